"""Map: every participant segment on a 2-D layout, coloured by theme or candidate."""

from __future__ import annotations

import html
import random

import plotly.graph_objects as go
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.pages import common
from workbench.runs import candidate_id

MAX_POINTS = 5_000  # more would send too much text to the browser; filter to see the rest

study = common.study()
common.researcher()
st.title("Map")
st.caption("Each dot is a segment; nearby segments say similar things. Hover to read one; select dots "
           "(box or lasso) to list them.")
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
            st.error(str(exc))
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


# The figure is kept until the codebook, the filters or the colouring change: switching
# back to this page does not rebuild thousands of points.
key = (study.log().seq, study.store.data_version(), colour, tuple(sites), tuple(roles), tuple(group), len(shown))
held = st.session_state.get("_map_figure")
if held is None or held[0] != key:
    held = (key, draw())
    st.session_state["_map_figure"] = held
figure = held[1]
event = st.plotly_chart(figure, on_select="rerun", selection_mode=("box", "lasso"), key="map")
picked = [p.get("customdata") for p in (event.selection.points if event and event.selection else [])]
selected = [c[0] if isinstance(c, list) else c for c in picked if c]
if selected:
    index = study.segment_index()
    st.subheader(f"{len(selected)} selected segment(s)")
    common.segment_table(common.paged([index[s] for s in selected if s in index], key="map-page"))
