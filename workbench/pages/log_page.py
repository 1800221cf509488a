"""Decision log: every decision, newest first; filter, search, read one in full, revert one with care.

Researchers' words (theme names, reasons, memos, notes) are data: the log is a dataframe,
whose cells are text, and anything shown as Markdown goes through ``common.plain``.
A revert names the event it undoes (chosen among those still active, never defaulted),
says what it will undo, and is recorded only after an explicit confirmation.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.core.decisions import Event, describe_all, event_fields
from workbench.core.names import terminal_safe
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
    st.error(common.plain("The log FAILED verification: " + "; ".join(status[1])))
else:
    st.success(f"The log is intact: {log.seq} event(s), each hash-chained to the one before; head {log.head[:16]}…")

# Every event described once per change of the log (the page reruns on every click).
held = st.session_state.get("log-said")
if held is None or held[0] != head:
    held = (head, describe_all(log.events, log.undone))
    st.session_state["log-said"] = held
said: dict[int, str] = held[1]


# Events recorded before names and reasons were checked may hold a right-to-left override or
# another invisible character that would reorder or hide what the page shows: shown as escapes.
visible = terminal_safe


def when(event: Event) -> str:
    return event.at[:19].replace("T", " ")


def short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def option(seq: int | None) -> str:
    """A picker's line for an event: '#12 · rename · T-003 renamed 'X' · by Ana'."""
    if seq is None:
        return "Choose an event…"
    event = log.event(seq)
    return visible(f"#{seq} · {event.kind} · {short(said[seq])} · by {event.by}")


def searched(event: Event) -> str:
    fields = " ".join(value for _, value in event_fields(event))
    return " ".join((f"#{event.seq}", event.kind, event.by, said[event.seq], event.rationale, fields)).lower()


events = list(reversed(log.events))
a, b, c, d = st.columns(4)
who = a.multiselect("Researcher", sorted({e.by for e in events}))
kinds = b.multiselect("Kind", sorted({e.kind for e in events}))
theme = c.text_input("Theme id (e.g. T-003)").strip().upper()
search = d.text_input("Search (words in what, why, notes and memos)").lower().split()
shown = [e for e in events if (not who or e.by in who) and (not kinds or e.kind in kinds)
         and (not theme or log.touches(e.seq, theme)) and all(w in searched(e) for w in search)]
page = common.paged(shown, key="log-page", size=50)
if not events:
    st.info("No decisions yet: they appear here as researchers accept, name, define and map themes.")
elif not page:
    st.caption("No event matches these filters.")
else:
    # A dataframe shows cells as text; the "#" column is what Revert and the full view ask for.
    table = pd.DataFrame([{"#": e.seq, "when (UTC)": when(e), "by": visible(e.by), "kind": e.kind,
                           "status": log.status(e.seq), "what": visible(said[e.seq]), "why": visible(e.rationale)}
                          for e in page])
    picked = st.dataframe(
        table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=f"log-table:{hash(tuple(e.seq for e in page))}",
        column_config={"#": st.column_config.NumberColumn(format="%d", width="small"),
                       "what": st.column_config.TextColumn(width="large"),
                       "why": st.column_config.TextColumn(width="medium")})
    rows = picked.selection.rows if picked else []
    if rows and st.session_state.get("_log-row") != page[rows[0]].seq:
        st.session_state["_log-row"] = page[rows[0]].seq
        common.show_next("log-detail", page[rows[0]].seq)
    st.caption("Select a row, or choose an event below, to read it in full.")

st.subheader("Read an event in full")
chosen = common.pick("Event", [None, *[e.seq for e in shown]], key="log-detail", format_func=option, guard=False)
if chosen is not None:
    event = log.event(chosen)
    with st.container(border=True):
        st.caption(common.plain(visible(f"#{event.seq} · {event.kind} · by {event.by} · {when(event)} UTC · "
                                        f"{log.status(event.seq)}")))
        st.text(visible(f"What: {said[event.seq]}"))
        st.text(visible(f"Why: {event.rationale or '(no reason given)'}"))
        st.dataframe(pd.DataFrame([*event_fields(event), ("hash", event.hash), ("previous hash", event.prev_hash)],
                                  columns=["field", "value"]),
                     hide_index=True, width="stretch",
                     column_config={"value": st.column_config.TextColumn(width="large")})

st.subheader("Revert a decision")
active = [e.seq for e in events if log.active(e.seq)]
if not active:
    st.caption("Nothing to revert.")
    st.stop()
target = common.pick("Decision to undo (only decisions still active)", [None, *active], key="revert-event",
                     format_func=option)
if target is None:
    st.caption("Choose the decision to undo; nothing is chosen for you.")
    st.stop()
event = log.event(target)
if event.kind == "revert":
    restored = log.event(event.payload["event"])
    consequence = (f"This undoes revert #{event.seq} (by {event.by}, {when(event)}), so #{restored.seq} counts "
                   f"again: {said[restored.seq]} (by {restored.by}, {when(restored)}). If a later decision "
                   "conflicts with it, the revert is refused and says which.")
else:
    consequence = (f"This undoes #{event.seq}: {said[event.seq]} (by {event.by}, {when(event)}). If a later "
                   "decision depends on it, the revert is refused and says which to revert first.")
with st.container(border=True):
    st.warning(common.plain(consequence))
    why = st.text_input("Reason (required)", key=common.field_key("revert-why", target))
    sure = st.checkbox(f"I understand what reverting #{target} undoes", key=common.field_key("revert-sure", target))
    clicked = st.button(f"Yes, revert #{target}", type="primary", disabled=not sure,
                        key=common.field_key("revert-go", target))
    if clicked and not sure:  # the button is disabled until then; this holds however it is clicked
        st.error("Tick “I understand” first: nothing was reverted.")
    elif clicked:
        common.act(lambda: study.revert(target, me, why), f"Reverted #{target} ({short(said[target])})",
                   then=lambda: common.show_next("revert-event", None))
