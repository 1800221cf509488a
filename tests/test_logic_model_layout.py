"""The logic model's layered layout: every node placed, edges run down the layers, labels short, no overlaps."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.logic_model import NODE_TYPES, LogicModel, load_yaml
from workbench.core.logic_model_layout import DUMMY_WIDTH, Layout, layout, wrap_label

from .conftest import ROOT

SAMPLE = ROOT / "models" / "mash-ipe.yaml"
RANK = {t: i for i, t in enumerate(NODE_TYPES)}


def model(nodes: list[tuple[str, str]], edges: list[tuple[str, str]], labels: dict[str, str] | None = None):
    labels = labels or {}
    return LogicModel.model_validate({
        "name": "M", "nodes": [{"id": i, "type": t, "label": labels.get(i, f"Node {i}")} for i, t in nodes],
        "edges": [{"from": a, "to": b} for a, b in edges]})


def check(found: Layout, m: LogicModel) -> None:
    """What every layout must satisfy, whatever the model."""
    assert set(found.nodes) == {n.id for n in m.nodes}, "every node is placed"
    kinds = {n.id: n.type for n in m.nodes}
    # The bands follow the programme theory's order and do not overlap.
    bands = [found.bands[t] for t in NODE_TYPES if t in found.bands]
    assert all(first <= last for first, last in bands)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(bands))
    for spot in found.nodes.values():
        first, last = found.bands[spot.type]
        assert first <= spot.layer <= last, f"{spot.id} sits in its type's band"
    routed = {(r.source, r.target): r for r in found.routes}
    assert set(routed) == {e.key for e in m.edges if e.source != e.target}, "every edge has a path"
    for route in found.routes:
        source, target = found.nodes[route.source], found.nodes[route.target]
        assert route.points[0] == (source.x, source.layer) and route.points[-1] == (target.x, target.layer)
        if RANK[kinds[route.target]] > RANK[kinds[route.source]]:
            assert not route.back, f"{route.source} -> {route.target} runs with the flow"
        if RANK[kinds[route.target]] < RANK[kinds[route.source]]:
            assert route.back, f"{route.source} -> {route.target} feeds back"
        if not route.back:
            layers = [y for _, y in route.points]
            assert layers == list(range(int(source.layer), int(target.layer) + 1)), \
                f"{route.source} -> {route.target} goes forward, one layer at a time"
        else:
            assert target.layer < source.layer
            inner = route.points[1:-1]
            assert all(y % 1 == 0.5 for _, y in inner), "a feedback link runs between rows, never through one"
            low = min(p.x for p in found.nodes.values())
            high = max(p.x for p in found.nodes.values())
            lane = {x for x, _ in inner[1:3]}
            assert len(lane) == 1 and not low <= lane.pop() <= high, "along a lane beside the nodes"
    # No two things in a layer overlap: nodes a slot apart, an edge's passage clear of nodes.
    items: dict[int, list[tuple[float, float]]] = {}
    for spot in found.nodes.values():
        items.setdefault(spot.layer, []).append((spot.x, 1.0))
    for route in found.routes:
        if not route.back:
            for x, y in route.points[1:-1]:
                items.setdefault(int(y), []).append((x, DUMMY_WIDTH))
    for row in items.values():
        row.sort()
        for (x1, w1), (x2, w2) in itertools.pairwise(row):
            assert x2 - x1 >= (w1 + w2) / 2 - 1e-6, f"overlap in a layer at {x1}, {x2}"
    again = layout(m)
    assert again.routes == found.routes and {i: (p.layer, p.x) for i, p in again.nodes.items()} == {
        i: (p.layer, p.x) for i, p in found.nodes.items()}, "the same model is always drawn the same way"


def test_the_sample_model_is_laid_out_in_the_programme_theorys_order():
    m = load_yaml(SAMPLE)
    found = layout(m, width=15)
    check(found, m)
    assert list(found.bands) == list(NODE_TYPES)
    assert found.bands["context"] == (0, 0) and found.bands["input"] == (1, 1)
    # A chain among components: the front door, then triage, then research, then strategy.
    chain = ["comp-front-door", "comp-triage", "comp-research", "comp-strategy"]
    assert [found.nodes[n].layer for n in chain] == [2, 3, 4, 5]
    back = {(r.source, r.target) for r in found.routes if r.back}
    assert back == {("fb-learning", "in-training"), ("fb-qa", "comp-triage"),
                    ("fb-equality-monitoring", "mech-cultural-understanding")}
    for spot in found.nodes.values():
        assert 1 <= len(spot.lines) <= 3 and all(len(line) <= 15 for line in spot.lines), spot.lines
    assert found.nodes["in-agreements"].lines[0] == "Information-", "a long word breaks after its hyphen"
    assert found.nodes["oc-rereferrals"].lines == ("Fewer", "re-referrals"), "and only where it must"
    widest = max(sum(1 for p in found.nodes.values() if p.layer == k) for k in range(found.layers))
    low, high = found.span
    assert high - low <= 2 * widest, "the drawing is not spread far wider than its widest row"


def test_crossing_edges_are_uncrossed():
    m = model([("a1", "context"), ("a2", "context"), ("b1", "input"), ("b2", "input")],
              [("a1", "b2"), ("a2", "b1")])
    found = layout(m)
    check(found, m)
    x = {i: p.x for i, p in found.nodes.items()}
    assert (x["a1"] < x["a2"]) == (x["b2"] < x["b1"])


def test_a_long_edge_passes_beside_the_nodes_it_skips():
    m = model([("c", "context"), ("i", "input"), ("m", "mechanism"), ("o", "outcome")],
              [("c", "i"), ("i", "m"), ("m", "o"), ("c", "o")])
    found = layout(m)
    check(found, m)
    long = next(r for r in found.routes if (r.source, r.target) == ("c", "o"))
    assert len(long.points) == 4, "through the input's and the mechanism's layers"
    for x, y in long.points[1:-1]:
        node = next(p for p in found.nodes.values() if p.layer == y)
        assert abs(node.x - x) >= (1 + DUMMY_WIDTH) / 2 - 1e-6


def test_a_cycle_among_one_type_and_a_self_loop():
    m = model([("a", "component"), ("b", "component"), ("c", "component"), ("x", "context")],
              [("a", "b"), ("b", "c"), ("c", "a"), ("x", "a"), ("b", "b")])
    found = layout(m)
    check(found, m)
    assert [r.back for r in found.routes if r.source != "x"] == [False, False, True], "the cycle's closing edge"
    assert [found.nodes[n].layer for n in "abc"] == [1, 2, 3]
    assert ("b", "b") not in {(r.source, r.target) for r in found.routes}, "a self-loop has no path"


def test_an_empty_model_and_a_lone_node():
    assert layout(model([], [])).layers == 0
    found = layout(model([("z", "outcome")], []))
    assert found.layers == 1 and found.bands == {"outcome": (0, 0)} and found.nodes["z"].x == 0


def test_labels_are_wrapped_to_a_few_short_lines():
    assert wrap_label("Trust between agencies", 15) == ("Trust between", "agencies")
    assert wrap_label("  Trust \n between  ", 15) == ("Trust between",)
    long = "Equitable decisions for families from minoritised ethnic backgrounds"
    lines = wrap_label(long, 15, 3)
    assert len(lines) == 3 and lines[-1].endswith("…") and all(len(line) <= 15 for line in lines)
    assert " ".join(wrap_label(long, 15, 10)) == long, "nothing lost when there is room"
    address = wrap_label("http://example.org/a/very/long/address", 10, 10)
    assert all(len(line) <= 10 for line in address) and "".join(address) == "http://example.org/a/very/long/address"
    assert wrap_label("", 10) == ("",)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_model_is_laid_out_without_overlaps(data):
    count = data.draw(st.integers(1, 14))
    nodes = [(f"n{i}", data.draw(st.sampled_from(NODE_TYPES))) for i in range(count)]
    pairs = data.draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=30,
                               unique=True))
    m = model(nodes, [(f"n{a}", f"n{b}") for a, b in pairs])
    check(layout(m), m)
