"""Map: every participant segment on a 2-D layout, coloured by theme or candidate."""

from __future__ import annotations

import html
import random
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from workbench.core.runs import candidate_id
from workbench.errors import WorkbenchError
from workbench.pages import common

MAX_POINTS = 5_000  # more would send too much text to the browser; filter to see the rest

study = common.study()
me = common.researcher()
st.title("Map")
common.flash()
st.caption("Each dot is a segment; nearby segments say similar things. Hover to read one; select dots "
           "(box or lasso) to read them in full and code them to a theme.")
rows = [r for r in study.rows() if not r.is_interviewer]
if not rows:
    st.info("The study is empty: import transcripts on the Study page.")
    st.stop()
points = study.projection(compute=False)
if not points:
    st.info("The map has not been laid out for these segments yet.")
    if st.button("Lay out the map (once per set of segments; a minute or more on a large study)"):
        try:
            study.projection(common.progress_bar("Laying out"))
        except WorkbenchError as exc:
            st.error(common.plain(str(exc)))
            st.stop()
        st.rerun()
    st.stop()

book = study.codebook()
data = common.run_data(study)
by_candidate = {a.segment_id: a.candidate for a in data[2]} if data else {}
colour = st.radio("Colour by", ["theme", "candidate"], horizontal=True)
a, b, c = st.columns(3)
sites = a.multiselect("Sites", sorted({r.site or "(no site)" for r in rows}))
roles = b.multiselect("Roles", sorted({r.role or "(no role)" for r in rows}))
groups = sorted({f"{k}={v}" for r in rows for k, v in r.groups.items() if v})
group = c.multiselect("Groups", groups)
shown = [r for r in rows if r.id in points and (not sites or (r.site or "(no site)") in sites)
         and (not roles or (r.role or "(no role)") in roles)
         and (not group or any(f"{k}={v}" in group for k, v in r.groups.items()))]
if len(shown) > MAX_POINTS:
    st.caption(f"Showing {MAX_POINTS:,} of {len(shown):,} segments (a fixed sample): filter to see the rest.")
    shown = random.Random(0).sample(shown, MAX_POINTS)


def label(row) -> str:
    if colour == "theme":
        held = sorted(book.themes_of(row.id))
        return ", ".join(f"{t} {book.themes[t].name}" for t in held) or "(no theme)"
    number = by_candidate.get(row.id)
    if number is None:
        return "(not in the run)"
    return "(unassigned)" if number < 0 else candidate_id(data[0].id or 0, number) if data else "?"


def draw() -> go.Figure:
    """The figure for the points shown, coloured by the chosen grouping."""
    groups: dict[str, list] = {}
    for row in shown:
        groups.setdefault(label(row), []).append(row)
    # At most 20 groups get their own colour; the rest share one, so the legend stays readable.
    ranked = sorted(groups, key=lambda g: (g.startswith("("), -len(groups[g]), g))
    keep = set(ranked[:20])
    figure = go.Figure()
    for name in ranked:
        members = groups[name] if name in keep else []
        if name == ranked[-1] and len(ranked) > 20:
            members = [r for g in ranked[20:] for r in groups[g]]
            name = f"(other {len(ranked) - 20} groups)"
        if not members:
            continue
        quiet = name.startswith("(")
        figure.add_trace(go.Scattergl(
            x=[points[r.id][0] for r in members], y=[points[r.id][1] for r in members], mode="markers",
            name=html.escape(name),  # a theme's name is the researchers' text: shown as written, not as HTML
            marker={"size": 6, **({"color": "#c8c8c8"} if quiet else {})},
            customdata=[r.id for r in members],
            # Plotly reads a little HTML in hover text: escape it, so a quote is shown as written.
            hovertext=[html.escape(r.text[:200] + ("…" if len(r.text) > 200 else "")) for r in members],
            hovertemplate="%{customdata}<br>%{hovertext}<extra>%{fullData.name}</extra>"))
    figure.update_layout(legend_title_text=colour, xaxis_visible=False, yaxis_visible=False, height=620,
                         margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def selected_ids(state: Mapping[str, Any] | None) -> list[str]:
    """The segments selected on the map (box or lasso), each once, from the chart's selection state.

    ``state`` is what ``st.plotly_chart`` returns, or ``st.session_state["map"]`` (the same
    selection, there before the chart is drawn again); read by key, so a plain dict does too.
    """
    points = ((state or {}).get("selection") or {}).get("points") or []
    found = [p.get("customdata") for p in points]
    return list(dict.fromkeys(str(c[0] if isinstance(c, list) else c) for c in found if c))


# The figure is kept until the codebook, the filters or the colouring change: switching
# back to this page does not rebuild thousands of points. While segments are selected, a
# decision alone does not redraw it either: a new figure is a new chart to Streamlit, which
# drops the selection, so coding the selection to a theme would take away what was coded.
# Its colours catch up when the selection is cleared.
key = (study.log().seq, study.data_version(), colour, tuple(sites), tuple(roles), tuple(group), len(shown))
held = st.session_state.get("_map_figure")
live = bool(selected_ids(st.session_state.get("map")))
if held is None or (held[0] != key and not (live and held[0][1:] == key[1:])):
    held = (key, draw())
    st.session_state["_map_figure"] = held
figure = held[1]
event = st.plotly_chart(figure, on_select="rerun", selection_mode=("box", "lasso"), key="map")
index = study.segment_index()
selected = [s for s in selected_ids(event) if s in index]
if selected:
    st.subheader(f"{len(selected)} selected segment(s)")
    if held[0][0] != key[0]:
        st.caption("The colours are as they were before the latest decision: clear the selection (double-click "
                   "the map) to redraw them.")
    common.segment_reader([index[s] for s in selected], study, key="map-selected")
    if not book.themes:
        st.info("Accept a candidate or create a theme first: selected segments are coded to themes.")
    else:
        with st.form("map-code"):
            st.caption(f"Code all {len(selected)} selected segment(s) to one theme, as one decision. Those "
                       "already in the theme are left as they are.")
            meant = common.held("map-theme")
            theme = common.pick("Theme", sorted(book.themes), key="map-theme",
                                format_func=lambda t: f"{t} · {book.themes[t].name}")
            why = st.text_input("Reason (optional)", key=common.field_key("map-why"))
            if st.form_submit_button("Code the selected segments to this theme"):
                there = book.themes[theme].members
                if meant is not None and meant != theme and meant not in book.themes:
                    # Merged or split by someone else since the box was drawn: the box fell back to
                    # another theme, and the segments would have gone there unasked.
                    try:
                        book.theme(meant)
                    except WorkbenchError as exc:
                        st.error(common.plain(f"{exc}. Choose the theme again."))
                    st.stop()
                new = [s for s in selected if s not in there]
                already = len(selected) - len(new)
                if not new:
                    st.info(common.plain(f"All {len(selected)} selected segment(s) are already in {theme} "
                                         f"({book.themes[theme].name}): nothing to code."))
                else:
                    done = (f"Coded {len(new)} selected segment(s) to {theme} ({book.themes[theme].name})"
                            + (f"; {already} already in it were left as they are" if already else ""))
                    common.act(lambda: study.assign(new, theme, me, why), done)
