"""Map: every participant segment on a 2-D layout, coloured by theme or candidate."""

from __future__ import annotations

import html
import random

import pandas as pd
import plotly.express as px
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


frame = pd.DataFrame({
    "x": [points[r.id][0] for r in shown], "y": [points[r.id][1] for r in shown],
    "group": [label(r) for r in shown], "segment": [r.id for r in shown],
    # Plotly reads a little HTML in hover text: escape it, so a quote is shown as written.
    "text": [html.escape(r.text[:200] + ("…" if len(r.text) > 200 else "")) for r in shown],
})
quiet = {g: "#c8c8c8" for g in ("(no theme)", "(unassigned)", "(not in the run)")}
figure = px.scatter(frame, x="x", y="y", color="group", custom_data=["segment"], color_discrete_map=quiet,
                    hover_data={"x": False, "y": False, "segment": True, "text": True, "group": True},
                    render_mode="webgl", height=620)
figure.update_layout(legend_title_text=colour, xaxis_visible=False, yaxis_visible=False)
event = st.plotly_chart(figure, on_select="rerun", selection_mode=("box", "lasso"), key="map")
selected = [p["customdata"][0] for p in (event.selection.points if event and event.selection else [])
            if p.get("customdata")]
if selected:
    index = study.segment_index()
    st.subheader(f"{len(selected)} selected segment(s)")
    common.segment_table(common.paged([index[s] for s in selected if s in index], key="map-page"))
