"""Logic models: the schema, files in and out, model events, and coverage from the log."""

from __future__ import annotations

import pytest

from workbench.core.decisions import DecisionError
from workbench.core.logic_model import NODE_TYPES, coverage, dump_yaml, load_yaml, parse_model, to_dot
from workbench.errors import InputError
from workbench.study import Study

from .conftest import ROOT, write
from .test_decisions import Book

SAMPLE = ROOT / "models" / "mash-ipe.yaml"


def test_the_sample_model_is_a_full_programme_theory(tmp_path):
    model = load_yaml(SAMPLE)
    assert len(model.nodes) >= 25 and len(model.edges) >= 25
    assert {n.type for n in model.nodes} == set(NODE_TYPES)
    text = SAMPLE.read_text(encoding="utf-8")
    assert "STARTING POINT" in text.split("name:")[0], "its header says the team should revise it"
    labels = " ".join(n.label.lower() for n in model.nodes)
    for idea in ("co-located", "information-sharing", "triage", "strategy", "trust", "shared understanding",
                 "timely access", "thresholds", "staffing", "demand", "it systems", "re-referrals", "audit",
                 "minoritised ethnic"):
        assert idea in labels, idea
    assert load_yaml(write(tmp_path / "roundtrip.yaml", dump_yaml(model))) == model


@pytest.mark.parametrize(("text", "where", "fix"), [
    ("name: M\nnodes:\n  - {id: a, type: context, label: A}\n  - {id: b, type: activity, label: B}\n",
     "nodes[1].type", "context, input, component, mechanism, output, outcome, feedback"),
    ("name: M\nnodes:\n  - {id: a, type: context, label: A}\n  - {id: a, type: input, label: B}\n",
     "used twice", ""),
    ("name: M\nnodes:\n  - {id: a, type: context, label: A}\nedges:\n  - {from: a, to: zz}\n",
     "edges[0] names node 'zz'", ""),
    ("name: M\nnodes:\n  - {id: a, type: context, label: A, colour: red}\n", "nodes[0].colour", "remove it"),
    ("name: M\nnodes:\n  - {id: a, type: context}\n", "nodes[0].label", "add it"),
    ("- just\n- a list\n", "is not a logic model", ""),
    ("name: M\nnodes: [\n  {id: a\n", "not valid YAML", ""),
])
def test_a_broken_model_file_says_where_and_what_is_allowed(tmp_path, text, where, fix):
    path = write(tmp_path / "model.yaml", text)
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    message = str(caught.value)
    assert str(path) in message and where in message and fix in message


def test_a_bad_model_file_leaves_no_study(tmp_path):
    bad = write(tmp_path / "bad.yaml", "name: M\nnodes:\n  - {id: a, type: nope, label: A}\n")
    with pytest.raises(InputError, match=r"nodes\[0\]\.type"):
        Study.init(tmp_path / "study", logic_model=bad)
    assert not (tmp_path / "study").exists()


def model_data() -> dict:
    return {"name": "M", "nodes": [{"id": "n1", "type": "mechanism", "label": "Trust"},
                                   {"id": "n2", "type": "outcome", "label": "Timely \"decisions\""}],
            "edges": [{"from": "n1", "to": "n2"}]}


def test_model_events_edit_the_model_and_guard_mappings():
    b = Book()
    b.do("model", model=model_data(), source="m.yaml")
    t = b.accept("R1-C00", "A", ["s1", "s2"])
    with pytest.raises(DecisionError, match="has no node 'zz'"):
        b.do("map", theme=t, node="zz")
    b.do("map", theme=t, node="n1", note="staff describe trust")
    assert b.book.themes[t].notes == {"n1": "staff describe trust"}
    with pytest.raises(DecisionError, match="T-001 is mapped to n1; unmap first"):
        b.do("node_remove", why="not needed", id="n1")
    with pytest.raises(DecisionError, match="reason is required"):
        b.do("node_remove", id="n2")
    b.do("node_add", node={"id": "n3", "type": "context", "label": "Thresholds"})
    with pytest.raises(DecisionError, match="already has a node 'n3'"):
        b.do("node_add", node={"id": "n3", "type": "context", "label": "Again"})
    with pytest.raises(DecisionError, match="type"):
        b.do("node_edit", node={"id": "n3", "type": "activity", "label": "Thresholds"})
    b.do("node_edit", node={"id": "n3", "type": "context", "label": "Local thresholds"})
    b.do("edge_add", **{"from": "n3", "to": "n1", "label": "shapes"})
    with pytest.raises(DecisionError, match="given twice"):
        b.do("edge_add", **{"from": "n3", "to": "n1"})
    b.do("edge_remove", why="wrong way round", **{"from": "n1", "to": "n2"})
    b.do("node_remove", why="folded into n1", id="n2")
    model = b.book.model
    assert [n.id for n in model.nodes] == ["n1", "n3"] and [(e.source, e.target) for e in model.edges] == [("n3", "n1")]
    bigger = {"name": "M", "nodes": model_data()["nodes"][1:], "edges": []}
    with pytest.raises(DecisionError, match="mapped to nodes this model does not have: n1"):
        b.do("model", model=bigger)


def test_coverage_follows_merges_splits_and_reverts():
    b = Book()
    b.do("model", model=model_data())
    t1 = b.accept("R1-C00", "A", ["s1", "s2"])
    t2 = b.accept("R1-C01", "B", ["s3", "s4"])
    mapped = b.do("map", theme=t2, node="n2")
    who = {"s1": ("P1", "North", "Parent"), "s2": ("P2", "South", "Manager"), "s3": ("P3", "North", "Parent"),
           "s4": ("P3", "North", "Parent")}

    def now():
        found = coverage(b.book.model, {t.id: (t.nodes, t.members) for t in b.book.themes.values()}, who)
        return {e.node.id: (e.themes, len(e.segments), len(e.participants), len(e.sites)) for e in found.nodes}, found

    state, found = now()
    assert state["n2"] == (["T-002"], 2, 1, 1) and state["n1"] == ([], 0, 0, 0)
    assert found.without_evidence == ["n1"] and found.unmapped_themes == ["T-001"]
    b.do("merge", why="same", into=t1, sources=[{"id": t2}])
    state, found = now()
    assert state["n2"] == (["T-001"], 4, 3, 2), "the merged theme brings its mapping and its evidence"
    b.do("split", why="two", theme=t1, parts=[{"theme": "T-003", "name": "X", "members": ["s1"]},
                                               {"theme": "T-004", "name": "Y", "members": ["s2", "s3", "s4"]}])
    state, _ = now()
    assert state["n2"] == (["T-003", "T-004"], 4, 3, 2), "both parts keep the mapping"
    b.do("revert", why="undo the split", event=b.log.seq)
    b.do("revert", why="undo the merge", event=b.log.seq - 2)
    b.do("revert", why="the map was wrong", event=mapped)
    state, found = now()
    assert state["n2"] == ([], 0, 0, 0) and found.unmapped_themes == ["T-001", "T-002"]


def test_the_graph_escapes_labels():
    dot = to_dot(parse_model(model_data(), "m"), {"n1": 4}, selected="n2")
    assert 'label="Timely \\"decisions\\""' in dot and "#9ecae1" in dot and "penwidth=3" in dot


def test_the_model_from_the_command_line(tmp_path):
    from .test_cli import wb

    study = str(tmp_path / "s")
    out = wb("init", study, "--logic-model", str(SAMPLE)).stdout
    assert f"{len(load_yaml(SAMPLE).nodes)} nodes, {len(load_yaml(SAMPLE).edges)} edges" in out
    write(tmp_path / "t.csv", "id,text,participant\nx1,We trust the police now.,P1\nx2,Trust grew.,P2\n")
    wb("ingest", str(tmp_path / "t.csv"), "--study", study)
    wb("decide", "create", "Trust", "--segment", "x1", "--segment", "x2", "--study", study)
    wb("decide", "map", "T-001", "mech-trust", "--note", "in their words", "--study", study)
    rows = {r["node"]: r for r in __import__("json").loads(wb("model", "coverage", "--study", study, "-f",
                                                                "json").stdout)}
    assert rows["mech-trust"]["themes"] == "T-001" and rows["mech-trust"]["participants"] == 2
    refused = wb("model", "remove-node", "mech-trust", "--why", "x", "--study", study, check=False)
    assert refused.returncode == 1 and "unmap first" in refused.stderr
    wb("model", "add-node", "ctx-new", "--type", "context", "--label", "A new context", "--study", study)
    wb("model", "add-edge", "ctx-new", "mech-trust", "--label", "shapes", "--study", study)
    wb("model", "edit-node", "ctx-new", "--label", "Renamed context", "--study", study)
    wb("model", "remove-edge", "ctx-new", "mech-trust", "--why", "not shown", "--study", study)
    assert "Renamed context" in wb("model", "show", "--study", study).stdout
    exported = tmp_path / "model.yaml"
    wb("model", "export", "--study", study, "--out", str(exported))
    again = load_yaml(exported)
    assert again.node("ctx-new").label == "Renamed context" and len(again.nodes) == len(load_yaml(SAMPLE).nodes) + 1
    wb("model", "remove-node", "ctx-new", "--why", "folded in", "--study", study)
    second = str(tmp_path / "s2")
    wb("init", second)
    wb("model", "load", str(exported), "--study", second)
    assert Study.open(second).logic_model() == load_yaml(exported), "the exported model loads back as it was"


def test_images_of_the_graph(tmp_path):
    import shutil

    from workbench.io.export import graph_image

    if not shutil.which("dot"):
        pytest.skip("Graphviz's dot is not installed (./run test installs it)")
    dot = to_dot(load_yaml(SAMPLE))
    assert graph_image(dot, "svg").lstrip().startswith(b"<?xml") and graph_image(dot, "png")[:4] == b"\x89PNG"
