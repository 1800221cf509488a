"""Validation: each reviewer votes on the themes on their own; then agreement, and adjudication."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.core.analysis import kappa_strength
from workbench.core.decisions import VOTES
from workbench.core.runs import candidate_id
from workbench.errors import WorkbenchError
from workbench.pages import common

study = common.study()
me = common.researcher()
st.title("Validation")
st.caption("A validation session: several researchers judge the same themes, each on their own, and their "
           "agreement is measured. Votes are kept per researcher in the decision log; nobody's vote overwrites "
           "another's. Vote before you look at the group's votes.")
common.flash()

book = study.codebook()
known = study.sessions()
names = [s for s, _, _ in known]
left, right = st.columns([2, 1])
chosen = left.selectbox("Session", [*names, "(a new session)"], key="validation-session")
session = right.text_input("Name of the new session", key="validation-new").strip() if chosen == "(a new session)" \
    else chosen
if not session:
    st.info("Name the session (e.g. 'panel 1, March') to start voting.")
    st.stop()
if known:
    st.caption("Sessions: " + "; ".join(f"{common.plain(s)} ({r} reviewers, {i} items)" for s, r, i in known))

review = st.radio("Review", ["themes", "candidates of the latest run"], horizontal=True, key="validation-what")
if review == "themes":
    items = [(t.id, t.name) for t in sorted(book.themes.values(), key=lambda t: t.id)]
else:
    data = common.run_data(study)
    items = [(candidate_id(data[0].id or 0, c.number), c.label) for c in data[1]] if data else []
if not items:
    st.info("Nothing to review yet: accept candidates on the Candidates page (or run discovery).")
    st.stop()

mine = {item: verdict for (s, item, who), (verdict, _) in book.votes.items() if s == session and who == me}
st.subheader(f"Your votes ({len([i for i, _ in items if i in mine])} of {len(items)})")
labels = {i: f"{i} {name}" + (f"  [you: {mine[i]}]" if i in mine else "") for i, name in items}
order = [i for i, _ in items]
item = common.pick("Theme or candidate", order, key=f"validation-item-{session}", format_func=labels.get)


def then_next() -> None:
    """After a vote: the next item this reviewer has not voted on, so a panel works down the list."""
    following = common.after(order, item, lambda i: i not in mine)
    if following is not None:
        common.show_next(f"validation-item-{session}", following)


if item in book.themes:
    theme = book.themes[item]
    if theme.definition:
        st.markdown(f"**Definition:** {common.plain(theme.definition)}")
    index = study.segment_index()
    for segment in study.quotes(theme.id)[:3]:  # exemplars, then the members nearest the theme's centre
        common.quote(index.get(segment))
with st.form("vote"):
    # Keyed by session and item: each item's radio starts at your own vote on it, never at the
    # verdict chosen for the item before, so one click cannot silently change a vote.
    verdict = st.radio("Your verdict", VOTES, horizontal=True, key=f"validation-verdict-{session}-{item}",
                       index=VOTES.index(mine[item]) if item in mine else 0)
    why = st.text_input("Why (optional; kept in the log)", key=common.field_key(f"validation-why-{session}", item))
    if st.form_submit_button("Record my vote"):
        common.act(lambda: study.vote(session, item, verdict, me, why), f"Recorded your vote on {item}", then_next)

st.subheader("The group's votes and agreement")
if not st.toggle("Show them (after you have voted)", key="validation-show"):
    st.stop()
try:
    found = study.agreement(session)
except WorkbenchError as exc:
    st.info(common.plain(str(exc)))  # the message quotes session names: text, not Markdown
    st.stop()
a, b, c = st.columns(3)
a.metric("Reviewers", len(found.reviewers))
b.metric("Krippendorff's alpha", "not defined" if found.alpha is None else f"{found.alpha:.3f}",
         help="Agreement beyond chance for the whole group, items some reviewers skipped included. Krippendorff: "
              "0.800 or more is reliable, 0.667 to 0.800 allows tentative conclusions.")
c.metric("Pairwise agreement", "" if found.percent is None else f"{found.percent:.0%}")
if found.alpha_note:
    st.caption(f"Alpha: {found.alpha_note}.")
if found.pairs:
    st.dataframe(pd.DataFrame([{
        "reviewer": p.first, "with": p.second, "items both voted on": p.items, "agreed": p.agreed,
        "Cohen's kappa": "not defined" if p.kappa is None else f"{p.kappa:.3f}",
        "strength": "" if p.kappa is None else kappa_strength(p.kappa)}
        for p in found.pairs]), hide_index=True, width="stretch")
    st.caption("Strength in Landis & Koch's words (1977).")
st.dataframe(pd.DataFrame([{"item": i.item, "name": study.item_name(i.item),
                            **{f"vote: {r}": i.votes.get(r, "") for r in found.reviewers},
                            "state": i.state, "adjudicated": i.adjudicated or ""}
                           for i in found.items]), hide_index=True, width="stretch")

open_items = [i.item for i in found.to_discuss]
settled = len(found.disagreements) - len(open_items)
if not found.compared:
    st.info("No item has votes from two reviewers yet: nothing to compare.")
elif open_items:
    st.subheader(f"Adjudicate ({len(open_items)} item(s) the reviewers disagree on"
                 + (f"; {settled} already adjudicated or no longer a theme)" if settled else ")"))
    with st.form("adjudicate"):
        target = common.choice("Item", open_items, common.field_key("adjudicate-item", session), study.item_name)
        outcome = st.radio("Outcome agreed", VOTES, horizontal=True,
                           key=common.field_key("adjudicate-outcome", session))
        reason = st.text_input("Reason (required)", key=common.field_key("adjudicate-why", session))
        if st.form_submit_button("Record the adjudication"):
            common.act(lambda: study.adjudicate(session, target, outcome, me, reason), f"Adjudicated {target}")
elif found.disagreements:
    st.success("Every disagreement has been adjudicated (or its theme merged or split since).")
else:
    st.success("The reviewers agree on every item two or more of them voted on.")
