"""Analysis: who voiced each theme, in which site, role or group; and whether interviews saturated."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench.analysis import GROUPINGS, grouping_columns
from workbench.errors import WorkbenchError
from workbench.export import prevalence_csv
from workbench.pages import common

study = common.study()
common.researcher()
st.title("Analysis")
book = study.codebook()
if not book.themes:
    st.info("No themes yet: accept candidates on the Candidates page, then come back.")
    st.stop()

st.header("Prevalence")
st.caption("Participants who voiced each theme, out of the participants heard in each group. People, not "
           "segments: one talkative participant's many turns are one voice. Interviewer turns are not counted.")
columns = sorted(grouping_columns(study.rows()) - set(GROUPINGS))
by = st.selectbox("Group by", [*GROUPINGS[:2], *columns, *GROUPINGS[2:]], key="prevalence-by")
try:
    found = study.prevalence(by)
except WorkbenchError as exc:
    st.error(str(exc))
    st.stop()
groups = [g for g, _ in found.groups]
heading = {g: f"{g} (group)" if g in ("theme", "name") else g for g in groups}  # a site called "name" stays apart
table = pd.DataFrame(
    [{"theme": t, "name": name,
      **{heading[g]: f"{found.cell(t, g).participants} of {n} · {found.cell(t, g).segments} seg"
         for g, n in found.groups}} for t, name in found.themes])
st.dataframe(table, hide_index=True, width="stretch")
if found.uncounted:
    st.caption(f"{found.uncounted} theme member(s) not counted: interviewer turns, or segments no longer in the study.")
shares = [[found.cell(t, g).share for g in groups] for t, _ in found.themes]
# Plotly reads a little HTML in labels: escape names, so they are shown as written.
figure = go.Figure(go.Heatmap(
    z=shares, x=[html.escape(g) for g in groups], y=[html.escape(f"{t} {n[:40]}") for t, n in found.themes],
    zmin=0, zmax=1, colorscale="Blues", colorbar={"title": "share"},
    hovertemplate="%{y}<br>%{x}: %{z:.0%} of participants<extra></extra>"))
figure.update_layout(height=120 + 28 * len(found.themes), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                     yaxis_autorange="reversed")
st.plotly_chart(figure, key="prevalence-chart")
st.download_button("Prevalence as CSV", prevalence_csv(found), file_name=f"prevalence-by-{by}.csv",
                   mime="text/csv", key="prevalence-csv")

st.header("Saturation")
st.caption("Interviews in order: the themes each added. Saturation is reached when a run of interviews adds no "
           "more than the threshold's share of the themes found in the first (base) interviews "
           "(Guest, Namey & Chen 2020).")
a, b, c, d = st.columns(4)
order_by = a.selectbox("Order interviews by", ["(import order)", *columns], key="saturation-order")
base = b.number_input("Base (interviews)", 1, 50, 4, key="saturation-base")
run = c.number_input("Run (interviews)", 1, 20, 2, key="saturation-run")
threshold = d.number_input("Threshold (%)", 0, 50, 5, key="saturation-threshold")
try:
    sat = study.saturation(None if order_by == "(import order)" else order_by, int(base), int(run),
                           threshold / 100)
except WorkbenchError as exc:
    st.error(str(exc))
    st.stop()
say = st.success if sat.reached else st.info if not sat.assessed else st.warning
verdict = sat.verdict(common.plain)  # the transcript it names is text, not Markdown
say(verdict[:1].upper() + verdict[1:] + ".")
curve = go.Figure(go.Scatter(x=[s.position for s in sat.steps], y=[s.total for s in sat.steps], mode="lines+markers",
                             customdata=[html.escape(s.transcript) for s in sat.steps],
                             hovertemplate="interview %{x} (%{customdata}): %{y} themes so far<extra></extra>"))
if sat.reached_at:
    curve.add_vline(x=sat.reached_at, line_dash="dash", annotation_text="saturation")
curve.update_layout(xaxis_title="interview", yaxis_title="themes found so far", height=320,
                    margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(curve, key="saturation-chart")
share = dict(sat.new_information)
st.dataframe(pd.DataFrame([{"interview": s.position, "transcript": s.transcript, "themes": s.themes,
                            "new": ", ".join(s.new), "found so far": s.total,
                            "new information": "" if s.position not in share else f"{share[s.position]:.0%}"}
                           for s in sat.steps]), hide_index=True, width="stretch")
