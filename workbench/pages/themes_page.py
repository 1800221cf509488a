"""Themes: the codebook being built. Read, rename, define, move and assign segments, memos.

The theme on screen is held by its id (``common.pick``): renaming it, moving its segments
or filtering them never moves the page to another theme, so each decision lands on the
theme the researcher is looking at. Form fields are keyed per theme and per decision
(``common.field_key``): a reason typed for one action is never recorded on the next.
"""

from __future__ import annotations

import re

import streamlit as st

from workbench.pages import common

study = common.study()
me = common.researcher()
st.title("Themes")
common.flash()

book = study.codebook()
index = study.segment_index()
if not book.themes:
    st.info("No themes yet: accept candidates on the Candidates page.")
    st.stop()

ids = sorted(book.themes)
chosen = common.pick("Theme", ids, key="theme",
                     format_func=lambda t: f"{t} · {book.themes[t].name} · {len(book.themes[t].members)} segments")
theme = book.themes[chosen]
members = [index[s] for s in sorted(theme.members) if s in index]
st.subheader(common.plain(f"{theme.id}: {theme.name}"))
st.caption(common.plain(
    f"From {theme.origin}; {len(members)} segments, "
    f"{len({r.participant_id for r in members if r.participant_id})} participants, "
    f"{len({r.site for r in members if r.site})} sites; mapped to: "
    f"{', '.join(sorted(theme.nodes)) or 'no logic-model node yet'}; events "
    f"{', '.join(f'#{s}' for s in theme.history)}"))
if theme.definition or theme.inclusion or theme.exclusion:
    st.text(f"Definition: {theme.definition}\nInclude: {theme.inclusion}\nExclude: {theme.exclusion}")
for seg in theme.exemplars:
    common.quote(index.get(seg))


def parse_ids(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", text) if t]


def short(segment: str) -> str:
    text = index[segment].text
    return f"{segment}: {text[:90]}" + ("…" if len(text) > 90 else "")


tabs = common.tabs(["Segments", "Rename", "Define", "Move / assign", "Memos"], key="theme-tab")
with tabs[0]:
    st.caption("Each segment in full, who said it, and the turn it answers.")
    common.segment_reader(members, study, key="theme-members")

with tabs[1], st.form("rename"):
    name = st.text_input("New name", value=theme.name, key=common.field_key("rename", theme.id))
    why = st.text_input("Why (optional)", key=common.field_key("rename-why", theme.id))
    if st.form_submit_button("Rename"):
        common.act(lambda: study.rename(theme.id, name, me, why), f"Renamed {theme.id} to {name!r}")

with tabs[2], st.form("define"):
    definition = st.text_area("Definition", value=theme.definition, key=common.field_key("definition", theme.id))
    inclusion = st.text_area("Include when", value=theme.inclusion, key=common.field_key("inclusion", theme.id))
    exclusion = st.text_area("Exclude when (and where it goes instead)", value=theme.exclusion,
                             key=common.field_key("exclusion", theme.id))
    exemplars = st.multiselect("Exemplar quotes (from the theme's segments)", [r.id for r in members],
                               default=[s for s in theme.exemplars if s in index], format_func=short,
                               key=common.field_key("exemplars", theme.id))
    if st.form_submit_button("Save definition"):
        common.act(lambda: study.define(theme.id, definition, inclusion, exclusion, exemplars, me),
                   f"Defined {theme.id}")

with tabs[3]:
    others = [t for t in ids if t != theme.id]
    with st.form("move"):
        picked = st.multiselect("Segments of this theme", [r.id for r in members], format_func=short,
                                key=common.field_key("move", theme.id))
        action = st.radio("Do", ["Move to another theme", "Take out of this theme"], horizontal=True,
                          key=common.field_key("move-action", theme.id))
        target = common.choice("Other theme", others, common.field_key("move-target", theme.id),
                               lambda t: book.themes[t].name)
        why = st.text_input("Why (optional)", key=common.field_key("move-why", theme.id))
        if st.form_submit_button("Apply"):
            if action.startswith("Move") and target is None:
                st.error("Choose the other theme to move the segments to.")
            elif action.startswith("Move"):
                common.act(lambda: study.move(picked, theme.id, target, me, why),
                           f"Moved {len(picked)} segment(s) from {theme.id} to {target}")
            else:
                common.act(lambda: study.unassign(picked, theme.id, me, why),
                           f"Took {len(picked)} segment(s) out of {theme.id}")
    with st.form("assign"):
        typed = st.text_area("Code more segments to this theme: segment ids, separated by spaces or commas",
                             key=common.field_key("assign-ids", theme.id))
        why = st.text_input("Why (optional)", key=common.field_key("assign-why", theme.id))
        if st.form_submit_button("Assign"):
            common.act(lambda: study.assign(parse_ids(typed), theme.id, me, why),
                       f"Assigned {len(parse_ids(typed))} segment(s) to {theme.id}")

with tabs[4]:
    for memo in [m for m in book.memos if m.theme == theme.id]:
        st.caption(common.plain(f"#{memo.seq} {memo.by}, {memo.at[:16].replace('T', ' ')}" +
                                (f", on {memo.segment}" if memo.segment else "")))
        st.text(memo.text)
    with st.form("memo"):
        text = st.text_area("New memo on this theme", key=common.field_key("memo-text", theme.id))
        about = st.selectbox("About a segment (optional)", ["", *[r.id for r in members]],
                             format_func=lambda s: short(s) if s else "(the theme as a whole)",
                             key=common.field_key("memo-about", theme.id))
        if st.form_submit_button("Add memo"):
            common.act(lambda: study.memo(text, theme.id, about or None, me), f"Memo added to {theme.id}")
