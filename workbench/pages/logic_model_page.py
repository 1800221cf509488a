"""Logic model: the programme theory drawn and shaded by evidence; click a node to open it; map themes; edit it.

The model is drawn with Plotly from positions the core computes (``logic_model_layout``),
not as a Graphviz image: an image shrank its labels to nothing at the page's width and
could not be clicked. Here labels are a few words a line, the drawing zooms (drag a box,
scroll; double-click to reset) and a click on a node opens it below. Graphviz is needed
only for the SVG/PNG files. Researchers' words (labels, theme names, notes) are data:
escaped for Plotly's bits of HTML and, in Markdown, through ``common.plain``.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from workbench.core.logic_model import NODE_TYPES, LogicModel, NodeEvidence, shade, to_dot
from workbench.core.logic_model_layout import Layout, layout, wrap_label
from workbench.errors import WorkbenchError
from workbench.io.export import graph_image, has_graphviz
from workbench.pages import common
from workbench.study import Study

MODELS = Path(__file__).resolve().parents[2] / "models"
# Okabe-Ito colours: told apart with the common colour-vision deficiencies.
COLOURS = {"context": "#E69F00", "input": "#56B4E9", "component": "#009E73", "mechanism": "#CC79A7",
           "output": "#0072B2", "outcome": "#D55E00", "feedback": "#555555"}
BANDS = {"context": "Contexts", "input": "Inputs", "component": "Components", "mechanism": "Mechanisms",
         "output": "Outputs", "outcome": "Outcomes", "feedback": "Feedback"}
FILL = ("#ffffff", "#deebf7", "#9ecae1", "#4292c6")  # no evidence, 1-2, 3-5, 6+ participants (as in the SVG)
SELECTED = "#d62728"
ROW_PX = 92  # a layer's height: a label of three lines and its evidence, with room for edges between rows
LINE_PX = 14
WRAP = 15  # characters a line: boxes of under 90 pixels, side by side at the page's width


def evidence_line(found: NodeEvidence) -> str:
    """'2 themes · 5 people': how much evidence a node has, in its box."""
    if not found.themes:
        return ""
    themes = f"{len(found.themes)} theme{'s' if len(found.themes) != 1 else ''}"
    if found.participants:
        return f"{themes} · {len(found.participants)} {'person' if len(found.participants) == 1 else 'people'}"
    return f"{themes} · {len(found.segments)} segment{'s' if len(found.segments) != 1 else ''}"


def hover(model: LogicModel, node_id: str, found: NodeEvidence, names: Mapping[str, str]) -> str:
    """A node's full label, type, evidence and themes, escaped: Plotly reads a little HTML in hover text."""
    node = model.node(node_id)
    assert node is not None
    lines = [f"<b>{html.escape(node.label)}</b>", f"{node.type} · {html.escape(node.id)}"]
    if found.themes:
        lines.append(f"{len(found.themes)} theme(s), {len(found.participants)} participant(s), "
                     f"{len(found.segments)} segment(s), {len(found.sites)} site(s)")
        for theme in found.themes[:6]:
            name = names.get(theme, "")
            lines.append(html.escape(f"{theme} · {name if len(name) <= 50 else name[:49] + '…'}"))
        if len(found.themes) > 6:
            lines.append(f"and {len(found.themes) - 6} more")
    else:
        lines.append("No theme evidences it yet")
    lines.append("<i>Click to open it below</i>")
    return "<br>".join(lines)


def draw(model: LogicModel, placed: Layout, evidence: Mapping[str, NodeEvidence], names: Mapping[str, str],
         selected: str | None) -> go.Figure:
    """The model as a figure: a band per node type, a box per node shaded by evidence, edges with arrows.

    Each node type is one trace of markers under the boxes: the legend names the types,
    and a click on a box reaches its marker (annotations let clicks through), whose
    ``customdata`` is the node's id.
    """
    figure = go.Figure()
    low, high = placed.span
    left, right = low - 0.85, high + 0.6
    for kind, (first, last) in placed.bands.items():
        figure.add_shape(type="rect", x0=left, x1=right, y0=first - 0.5, y1=last + 0.5, fillcolor=COLOURS[kind],
                         opacity=0.08, line_width=0, layer="below")
        figure.add_annotation(x=left + 0.02, y=(first + last) / 2, text=f"<b>{BANDS[kind]}</b>", textangle=-90,
                              showarrow=False, xanchor="left", font={"color": COLOURS[kind], "size": 11})
    for back in (False, True):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for route in placed.routes:
            if route.back == back:
                xs += [x for x, _ in route.points] + [None]
                ys += [y for _, y in route.points] + [None]
        if xs:
            figure.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=back, legendrank=2000,
                name="feeds back to an earlier step" if back else "leads to",
                line={"color": "#b35806" if back else "#8c8c8c", "width": 1.3, "dash": "dash" if back else "solid",
                      "shape": "linear" if back else "spline", "smoothing": 0.8}))
    boxes = []
    for node_id, spot in placed.nodes.items():
        found = evidence[node_id]
        level = shade(found.strength)
        text = "<br>".join(html.escape(line) for line in spot.lines)
        extra = evidence_line(found)
        if extra:
            text += f"<br><span style='font-size:9.5px'><i>{extra}</i></span>"
        chosen = node_id == selected
        boxes.append({"x": spot.x, "y": spot.layer, "text": text, "showarrow": False, "align": "center",
                      "bgcolor": FILL[level], "bordercolor": SELECTED if chosen else COLOURS[spot.type],
                      "borderwidth": 3 if chosen else 1.5, "borderpad": 3,
                      "font": {"size": 11, "color": "white" if level == 3 else "#222222"}})
    arrows = []
    for route in placed.routes:
        (x0, y0), (x1, y1) = route.points[-2], route.points[-1]
        target = placed.nodes[route.target]
        rows = len(target.lines) + (1 if evidence_line(evidence[route.target]) else 0)
        arrows.append({"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                       "text": "", "showarrow": True, "arrowhead": 2, "arrowsize": 1.1, "arrowwidth": 1.3,
                       "arrowcolor": "#b35806" if route.back else "#8c8c8c", "standoff": rows * LINE_PX / 2 + 6})
        if route.label:  # on its middle stretch, nearer the target: labels of edges from one node part
            middle = len(route.points) // 2
            (a, b), (c, d) = route.points[middle - 1], route.points[middle]
            arrows.append({"x": a + 0.65 * (c - a), "y": b + 0.65 * (d - b), "showarrow": False,
                           "text": "<br>".join(html.escape(line) for line in wrap_label(route.label, 14, 2)),
                           "font": {"size": 9, "color": "#555555"}, "bgcolor": "rgba(255,255,255,0.85)"})
    for kind in NODE_TYPES:
        members = [spot for spot in placed.nodes.values() if spot.type == kind]
        if not members:
            continue
        figure.add_trace(go.Scatter(
            x=[m.x for m in members], y=[m.layer for m in members], mode="markers", name=kind,
            marker={"symbol": "square", "size": 34, "color": COLOURS[kind]},
            customdata=[m.id for m in members],
            hovertext=[hover(model, m.id, evidence[m.id], names) for m in members],
            hovertemplate="%{hovertext}<extra></extra>"))
    figure.update_layout(
        annotations=[*figure.layout.annotations, *arrows, *boxes], height=70 + ROW_PX * max(placed.layers, 1),
        margin={"l": 0, "r": 0, "t": 30, "b": 0}, plot_bgcolor="white", hovermode="closest",
        xaxis={"visible": False, "range": [left, right]},
        yaxis={"visible": False, "range": [placed.layers - 0.45, -0.55]},  # layer 0 at the top
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "itemsizing": "constant",
                "itemclick": False, "itemdoubleclick": False, "title_text": "Node types:"})
    return figure


def drawing(fmt: str):
    """The Graphviz drawing of the model as it stands at the click (SVG or PNG)."""
    def make(fresh: Study) -> bytes:
        model = fresh.logic_model()
        if model is None:
            raise WorkbenchError("the study has no logic model")
        return graph_image(to_dot(model, {e.node.id: e.strength for e in fresh.coverage().nodes}), fmt)
    return common.made_at_click(study.location, make)


study = common.study()
me = common.researcher()
st.title("Logic model")
common.flash()

model = study.logic_model()
if model is None:
    st.info("This study has no logic model yet. Load one: a YAML file of nodes and edges (see models/).")
    files = sorted(MODELS.glob("*.yaml")) if MODELS.is_dir() else []
    with st.form("load"):
        chosen = st.selectbox("A model from models/", files, format_func=lambda p: p.name) if files else None
        upload = st.file_uploader("Or upload one", type=["yaml", "yml"])
        if st.form_submit_button("Load"):
            def load():
                if upload is not None:
                    with tempfile.TemporaryDirectory() as tmp:
                        path = Path(tmp) / Path(upload.name).name
                        path.write_bytes(upload.getvalue())
                        return study.load_logic_model(path, me)
                if chosen is None:
                    raise WorkbenchError("choose a model file or upload one")
                return study.load_logic_model(chosen, me)
            common.act(load, "Logic model loaded")
    st.stop()

book = study.codebook()
found = study.coverage()
evidence = {e.node.id: e for e in found.nodes}
names = {t.id: t.name for t in book.themes.values()}
ids = [n.id for n in model.nodes]


def node_name(node_id: str) -> str:
    node = model.node(node_id)
    return f"{node.label} ({node.type})" if node else node_id


def theme_name(theme_id: str) -> str:
    return f"{theme_id} · {names.get(theme_id, '')}"


selected = common.pick("Node (or click one in the drawing)", ids, key="node", format_func=node_name) if ids else None


def keep() -> None:
    """After an action, stay on the node it was taken on."""
    common.show_next("node", selected)


st.caption(common.plain(f"{model.name}: {len(model.nodes)} nodes, {len(model.edges)} edges."))
if ids:
    st.caption("Each box is a node, its border coloured by type and its fill by the participants whose segments "
               "evidence it (white: none yet; then 1-2, 3-5, 6 or more); its last line counts the themes mapped "
               "to it. Red border: the node shown below. Dashed arrows feed back to an earlier step. Hover for "
               "details; drag a box or scroll to zoom, double-click to see it all.")
    turn = st.session_state.get("_turn:node", 0)
    # Laid out and drawn again only when the log, the segments or the node shown change:
    # building the figure took 200-330 ms of every run of this page (bench_browser_session.py).
    drawn_for = (study.log().seq, study.data_version(), selected)
    held = st.session_state.get("_model_figure")
    if held is None or held[0] != drawn_for:
        held = (drawn_for, draw(model, layout(model, width=WRAP), evidence, names, selected))
        st.session_state["_model_figure"] = held
    event = st.plotly_chart(held[1],
                            on_select="rerun", selection_mode="points", key=f"graph~{turn}",
                            config={"scrollZoom": True, "displaylogo": False})
    points = event.selection.points if event and event.selection else []
    clicked = [p.get("customdata") for p in points]
    clicked = [c[0] if isinstance(c, list) else c for c in clicked if c]
    if clicked and clicked[-1] in ids:
        # The chart's key changes with the picker's turn, so this click is not read again.
        common.show_next("node", clicked[-1])
        st.rerun()
if has_graphviz():
    left, right = st.columns(2)
    for column, fmt, mime in ((left, "svg", "image/svg+xml"), (right, "png", "image/png")):
        column.download_button(f"Download the drawing ({fmt.upper()}, by Graphviz)", drawing(fmt),
                               f"logic-model.{fmt}", mime, key=f"graph-{fmt}")
else:
    st.caption("Install Graphviz (its 'dot' program) to download the drawing as SVG or PNG.")

if selected is not None:
    node = model.node(selected)
    this = evidence[selected]
    st.subheader(common.plain(f"{node.label} ({node.type})"))
    if node.description:
        st.text(node.description)
    if node.questions:
        st.caption(common.plain("Research questions: " + ", ".join(node.questions)))
    m = st.columns(5)
    for col, (label, value) in zip(m, (("Themes", len(this.themes)), ("Segments", len(this.segments)),
                                        ("Participants", len(this.participants)), ("Sites", len(this.sites)),
                                        ("Roles", len(this.roles))), strict=True):
        col.metric(label, value)
    index = study.segment_index()
    for theme_id in this.themes:
        theme = book.themes[theme_id]
        st.markdown(f"**{common.plain(theme.id)} · {common.plain(theme.name)}**")
        if theme.notes.get(selected):
            st.caption(common.plain(f"Why it evidences this node: {theme.notes[selected]}"))
        for seg in study.quotes(theme.id)[:3]:
            common.quote(index.get(seg))

tabs = common.tabs(["Map themes", "Coverage", "Edit the model"], key="logic-tabs")
with tabs[0]:
    if selected is None:
        st.info("The model has no nodes: add one under 'Edit the model'.")
    else:
        unmapped_here = [t for t in sorted(book.themes) if selected not in book.themes[t].nodes]
        with st.form("map"):
            st.caption(common.plain(f"Map themes to {node.label}: one decision per theme, recorded together."))
            to_map = st.multiselect("Themes not yet mapped to this node", unmapped_here, format_func=theme_name,
                                    key=common.field_key("map-themes", selected),
                                    placeholder="Choose one or more themes" if unmapped_here else "No theme to map")
            note = st.text_input("How they evidence this node (optional; kept with each theme)",
                                 key=common.field_key("map-note", selected))
            if st.form_submit_button("Map to this node", disabled=not unmapped_here):
                common.act(lambda: study.map_themes(to_map, selected, note, me),
                           f"Mapped {', '.join(to_map)} to {selected}", then=keep)
        if this.themes:
            with st.form("unmap"):
                to_unmap = st.multiselect("Themes mapped to this node", this.themes, format_func=theme_name,
                                          key=common.field_key("unmap-themes", selected),
                                          placeholder="Choose one or more themes")
                why = st.text_input("Reason (optional)", key=common.field_key("unmap-why", selected))
                if st.form_submit_button("Unmap from this node"):
                    common.act(lambda: study.unmap_themes(to_unmap, selected, me, why),
                               f"Unmapped {', '.join(to_unmap)} from {selected}", then=keep)
with tabs[1]:
    st.dataframe(pd.DataFrame([{"node": e.node.id, "type": e.node.type, "label": e.node.label,
                                "themes": ", ".join(e.themes), "segments": len(e.segments),
                                "participants": len(e.participants), "sites": len(e.sites), "roles": len(e.roles)}
                               for e in found.nodes]), hide_index=True, width="stretch")
    st.caption(common.plain(f"Without evidence: {', '.join(found.without_evidence) or 'none'}"))
    st.caption(common.plain(f"Themes mapped to no node: {', '.join(found.unmapped_themes) or 'none'}"))
with tabs[2]:
    with st.form("add-node"):
        st.caption("Add a node")
        a, b = st.columns(2)
        new_id = a.text_input("Id (letters, digits, - _ .)", key=common.field_key("new-id"))
        new_type = b.selectbox("Type", NODE_TYPES, key=common.field_key("new-type"))
        new_label = st.text_input("Label", key=common.field_key("new-label"))
        new_description = st.text_area("Description", key=common.field_key("new-description"))
        if st.form_submit_button("Add node"):
            common.act(lambda: study.add_node(new_id, new_type, new_label, new_description, (), me),
                       f"Added node {new_id}", then=lambda: common.show_next("node", new_id.strip()))
    if selected is not None:
        with st.form("edit-node"):
            st.caption(common.plain(f"Edit {node.label} ({selected})"))
            label = st.text_input("Label", value=node.label, key=common.field_key("edit-label", selected))
            node_type = st.selectbox("Type", NODE_TYPES, index=NODE_TYPES.index(node.type),
                                     key=common.field_key("edit-type", selected))
            description = st.text_area("Description", value=node.description,
                                       key=common.field_key("edit-description", selected))
            if st.form_submit_button("Save node"):
                common.act(lambda: study.edit_node(selected, node_type, label, description, None, me),
                           f"Edited {selected}", then=keep)
        with st.form("remove-node"):
            why = st.text_input(common.plain(f"Reason to remove {node.label} and its edges (required)"),
                                key=common.field_key("remove-why", selected))
            if st.form_submit_button("Remove node"):
                after = common.after(ids, selected, lambda i: True)
                common.act(lambda: study.remove_node(selected, me, why), f"Removed node {selected}",
                           then=lambda: common.show_next("node", after))
        with st.form("edge"):
            st.caption("Add or remove an edge")
            a, b = st.columns(2)
            source = common.choice("From", ids, common.field_key("edge-from", selected), node_name, where=a,
                                   index=ids.index(selected))
            target = common.choice("To", ids, common.field_key("edge-to", selected), node_name, where=b)
            label = st.text_input("Label (optional)", key=common.field_key("edge-label", selected))
            why = st.text_input("Reason (required to remove)", key=common.field_key("edge-why", selected))
            add, remove = st.columns(2)
            if add.form_submit_button("Add edge"):
                common.act(lambda: study.add_edge(source, target, label, me, why), f"Added {source} -> {target}",
                           then=keep)
            if remove.form_submit_button("Remove edge"):
                common.act(lambda: study.remove_edge(source, target, me, why), f"Removed {source} -> {target}",
                           then=keep)
    st.download_button("Download the model as it stands (YAML)",  # made at the click, not on every run
                       common.made_at_click(common.location(), lambda fresh: fresh.export_logic_model()),
                       "logic-model.yaml", "application/yaml")
