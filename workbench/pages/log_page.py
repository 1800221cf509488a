"""Decision log: every decision, newest first; filter, search, revert, and the chain's status."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.decisions import describe
from workbench.pages import common

study = common.study()
me = common.researcher()
st.title("Decision log")
common.flash()

log = study.log()
head = (log.seq, log.head)
status = st.session_state.get("verified")
if status is None or status[0] != head:
    problems = study.verify_log()
    st.session_state["verified"] = status = (head, problems)
if status[1]:
    st.error("The log FAILED verification: " + "; ".join(status[1]))
else:
    st.success(f"The log is intact: {log.seq} event(s), each hash-chained to the one before; head {log.head[:16]}…")

events = list(reversed(log.events))
a, b, c, d = st.columns(4)
who = a.multiselect("Researcher", sorted({e.by for e in events}))
kinds = b.multiselect("Kind", sorted({e.kind for e in events}))
theme = c.text_input("Theme id (e.g. T-003)")
search = d.text_input("Search")
shown = [e for e in events if (not who or e.by in who) and (not kinds or e.kind in kinds)
         and (not theme or f'"{theme.strip()}"' in e.payload_json)
         and (not search or search.lower() in (e.payload_json + " " + e.rationale + " " + e.by).lower())]
page = common.paged(shown, key="log-page", size=50)
# A plain table (rendered as text in the page): researchers can read, select and copy it.
st.table(pd.DataFrame([{
    "#": e.seq, "when (UTC)": e.at[:19].replace("T", " "), "by": e.by, "kind": e.kind, "what": describe(e),
    "why": e.rationale, "status": "active" if log.active(e.seq) else "undone"} for e in page]).set_index("#")
    if page else pd.DataFrame())

st.subheader("Revert a decision")
with st.form("revert"):
    seq = st.number_input("Event number", 1, max(1, log.seq), max(1, log.seq), key="revert-seq")
    why = st.text_input("Reason (required)", key="revert-why")
    if st.form_submit_button("Revert", disabled=not log.seq):
        common.act(lambda: study.revert(int(seq), me, why), f"Reverted event #{int(seq)}")
