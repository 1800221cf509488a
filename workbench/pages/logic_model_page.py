"""Logic model: the programme theory drawn, shaded by evidence; map themes; edit the model."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.export import graph_image
from workbench.logic_model import NODE_TYPES, to_dot
from workbench.pages import common

MODELS = Path(__file__).resolve().parents[2] / "models"


@st.cache_data(max_entries=32, show_spinner=False)
def image(dot: str, fmt: str) -> bytes:
    """The graph drawn by Graphviz, kept for as long as the graph does not change."""
    return graph_image(dot, fmt)


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
ids = [n.id for n in model.nodes]
selected = st.selectbox("Node", ids, key="node", format_func=lambda i: f"{i} · {model.node(i).label}")
dot = to_dot(model, {i: e.strength for i, e in evidence.items()}, selected)
st.caption(f"{model.name}: {len(model.nodes)} nodes, {len(model.edges)} edges. Shading: participants whose "
           "segments evidence the node (none, 1-2, 3-5, 6+); dashed: no evidence yet; red border: the selected node.")
st.graphviz_chart(dot, width="stretch")
left, right = st.columns(2)
for column, fmt, mime in ((left, "svg", "image/svg+xml"), (right, "png", "image/png")):
    try:
        column.download_button(f"Download the graph ({fmt.upper()})", image(dot, fmt), f"logic-model.{fmt}",
                               mime, key=f"graph-{fmt}")
    except WorkbenchError as exc:
        column.caption(str(exc))

node = model.node(selected)
this = evidence[selected]
st.subheader(f"{node.label} ({node.type})")
if node.description:
    st.text(node.description)
if node.questions:
    st.caption("Research questions: " + ", ".join(node.questions))
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
        st.caption(f"Why it evidences this node: {theme.notes[selected]}")
    for seg in theme.exemplars[:3] or sorted(theme.members)[:2]:
        common.quote(index.get(seg))

tabs = st.tabs(["Map a theme", "Coverage", "Edit the model"])
with tabs[0]:
    unmapped_here = [t for t in sorted(book.themes) if selected not in book.themes[t].nodes]
    with st.form("map"):
        theme_id = st.selectbox("Theme", unmapped_here, key="map-theme",
                                format_func=lambda t: f"{t} · {book.themes[t].name}")
        note = st.text_input("How it evidences this node (optional)", key="map-note")
        if st.form_submit_button("Map to this node", disabled=not unmapped_here):
            common.act(lambda: study.map_theme(theme_id, selected, note, me), f"Mapped {theme_id} to {selected}")
    if this.themes:
        with st.form("unmap"):
            theme_id = st.selectbox("Mapped theme", this.themes, key="unmap-theme",
                                    format_func=lambda t: f"{t} · {book.themes[t].name}")
            if st.form_submit_button("Unmap"):
                common.act(lambda: study.unmap_theme(theme_id, selected, me), f"Unmapped {theme_id} from {selected}")
with tabs[1]:
    st.dataframe(pd.DataFrame([{"node": e.node.id, "type": e.node.type, "label": e.node.label,
                                "themes": ", ".join(e.themes), "segments": len(e.segments),
                                "participants": len(e.participants), "sites": len(e.sites), "roles": len(e.roles)}
                               for e in found.nodes]), hide_index=True, width="stretch")
    st.caption(f"Without evidence: {', '.join(found.without_evidence) or 'none'}")
    st.caption(f"Themes mapped to no node: {', '.join(found.unmapped_themes) or 'none'}")
with tabs[2]:
    with st.form("add-node", clear_on_submit=True):
        st.caption("Add a node")
        a, b = st.columns(2)
        new_id = a.text_input("Id (letters, digits, - _ .)", key="new-id")
        new_type = b.selectbox("Type", NODE_TYPES, key="new-type")
        new_label = st.text_input("Label", key="new-label")
        new_description = st.text_area("Description", key="new-description")
        if st.form_submit_button("Add node"):
            common.act(lambda: study.add_node(new_id, new_type, new_label, new_description, (), me),
                       f"Added node {new_id}")
    with st.form("edit-node"):
        st.caption(f"Edit {selected}")
        label = st.text_input("Label", value=node.label, key=f"edit-label-{selected}")
        node_type = st.selectbox("Type", NODE_TYPES, index=NODE_TYPES.index(node.type), key=f"edit-type-{selected}")
        description = st.text_area("Description", value=node.description, key=f"edit-description-{selected}")
        if st.form_submit_button("Save node"):
            common.act(lambda: study.edit_node(selected, node_type, label, description, None, me), f"Edited {selected}")
    with st.form("remove-node"):
        why = st.text_input(f"Reason to remove {selected} and its edges (required)", key="remove-why")
        if st.form_submit_button("Remove node"):
            common.act(lambda: study.remove_node(selected, me, why), f"Removed node {selected}")
    with st.form("edge"):
        st.caption("Add or remove an edge")
        a, b = st.columns(2)
        source = a.selectbox("From", ids, key="edge-from")
        target = b.selectbox("To", ids, key="edge-to")
        label = st.text_input("Label (optional)", key="edge-label")
        why = st.text_input("Reason (required to remove)", key="edge-why")
        add, remove = st.columns(2)
        if add.form_submit_button("Add edge"):
            common.act(lambda: study.add_edge(source, target, label, me, why), f"Added {source} -> {target}")
        if remove.form_submit_button("Remove edge"):
            common.act(lambda: study.remove_edge(source, target, me, why), f"Removed {source} -> {target}")
    st.download_button("Download the model as it stands (YAML)", study.export_logic_model(), "logic-model.yaml",
                       "application/yaml")
