"""Analysis: who voiced each theme, in which site, role or group; and whether interviews saturated."""

from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench.core.analysis import GROUPINGS, SMALL_GROUP, PrevalenceCell, grouping_columns, order_columns
from workbench.errors import WorkbenchError
from workbench.io.export import prevalence_csv
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
           "segments: one talkative participant's many turns are one voice. Interviewer turns are not counted. "
           f"Groups of fewer than {SMALL_GROUP} participants are marked and left unshaded: their shares are too "
           "unstable to compare, and could tell a reader who said what.")
rows = study.rows()
# Only columns that describe participants (constant for each, not a name per person) are groups;
# only columns that describe whole interviews (a date, a wave) can order them (analysis.py says why).
columns = sorted(grouping_columns(rows) - set(GROUPINGS))
by = st.selectbox("Group by", [*GROUPINGS[:2], *columns, *GROUPINGS[2:]], key="prevalence-by",
                  help="Site, role, participant, transcript, or a participant attribute such as a group from the "
                  "participants file. Columns that change from turn to turn, or name each participant apart, are "
                  "not offered.")
try:
    found = study.prevalence(by)
except WorkbenchError as exc:
    st.error(common.plain(str(exc)))
    st.stop()
groups = [g for g, _ in found.groups]
heading = {g: f"{g} (group)" if g in ("theme", "name") else g for g in groups}  # a site called "name" stays apart


def counted(cell: PrevalenceCell) -> str:
    """A table cell: participants of the group, segments, and a mark where the group is too small to share."""
    if not cell.group_participants:
        return f"{cell.segments} seg · participants not known"
    text = f"{cell.participants} of {cell.group_participants} · {cell.segments} seg"
    return f"{text} · small group (fewer than {SMALL_GROUP})" if cell.small else text


def hover(cell: PrevalenceCell) -> str:
    """A heat-map cell's hover text: the share, or why there is none (numbers only: no names to escape)."""
    if not cell.group_participants:
        return f"{cell.segments} segment(s); participants not known, so no share"
    of = f"{cell.participants} of {cell.group_participants} participants"
    if cell.small:
        return f"{of}: small group (fewer than {SMALL_GROUP}), not shaded as a share"
    return f"{of} ({cell.share:.0%})"


table = pd.DataFrame(
    [{"theme": t, "name": name, **{heading[g]: counted(found.cell(t, g)) for g in groups}}
     for t, name in found.themes])
st.dataframe(table, hide_index=True, width="stretch")
if found.uncounted:
    st.caption(f"{found.uncounted} theme member(s) not counted: interviewer turns, or segments no longer in the study.")
# A small group's cell is a gap (None), not a shade: one participant of one is not "100 %".
shares = [[None if found.cell(t, g).small else found.cell(t, g).share for g in groups] for t, _ in found.themes]
hovers = [[html.escape(hover(found.cell(t, g))) for g in groups] for t, _ in found.themes]
# Plotly reads a little HTML in labels: escape names, so they are shown as written.
figure = go.Figure(go.Heatmap(
    z=shares, x=[html.escape(g) for g in groups], y=[html.escape(f"{t} {n[:40]}") for t, n in found.themes],
    text=hovers, zmin=0, zmax=1, colorscale="Blues", colorbar={"title": "share"}, hoverongaps=True,
    hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>"))
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
order_by = a.selectbox("Order interviews by", ["(import order)", *sorted(order_columns(rows))],
                       key="saturation-order",
                       help="A column with one value per interview, such as its date or wave; columns that change "
                       "within an interview are not offered.")
base = b.number_input("Base (interviews)", 1, 50, 4, key="saturation-base")
run = c.number_input("Run (interviews)", 1, 20, 2, key="saturation-run")
threshold = d.number_input("Threshold (%)", 0, 50, 5, key="saturation-threshold")
try:
    sat = study.saturation(None if order_by == "(import order)" else order_by, int(base), int(run),
                           threshold / 100)
except WorkbenchError as exc:
    st.error(common.plain(str(exc)))
    st.stop()
say = st.success if sat.reached else st.info if not sat.assessed else st.warning
verdict = sat.verdict(common.plain)  # the transcript it names is text, not Markdown
say(verdict[:1].upper() + verdict[1:] + ".")
curve = go.Figure(go.Scatter(x=[s.position for s in sat.steps], y=[s.total for s in sat.steps], mode="lines+markers",
                             customdata=[html.escape(s.transcript) for s in sat.steps],
                             hovertemplate="interview %{x} (%{customdata}): %{y} themes so far<extra></extra>"))
if sat.reached_at:
    curve.add_vline(x=sat.reached_at, line_dash="dash", annotation_text="saturation")
# Themes are counted whole: integer ticks from zero, about eight of them however many themes.
most = max((s.total for s in sat.steps), default=0)
curve.update_layout(xaxis_title="interview", yaxis_title="themes found so far", height=320,
                    margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_tickformat="d",
                    yaxis={"tickformat": "d", "rangemode": "tozero", "tick0": 0, "dtick": max(1, math.ceil(most / 8))})
st.plotly_chart(curve, key="saturation-chart")
share = dict(sat.new_information)
st.dataframe(pd.DataFrame([{"interview": s.position, "transcript": s.transcript, "themes": s.themes,
                            "new": ", ".join(s.new), "found so far": s.total,
                            "new information": "" if s.position not in share else f"{share[s.position]:.0%}"}
                           for s in sat.steps]), hide_index=True, width="stretch")
