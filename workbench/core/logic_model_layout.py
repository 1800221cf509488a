"""Where each node of a logic model goes on screen: a layered drawing computed in Python.

Pure. The Graphviz drawing was an image whose labels shrank to nothing at the page's
width and whose nodes could not be clicked; the page now draws the model itself (Plotly),
so positions are computed here, without Graphviz, which the app does not require.

The drawing reads top to bottom in the programme theory's order: a band of layers per
node type (contexts, inputs, components, mechanisms, outputs, outcomes, feedback), so a
researcher finds every mechanism in one place. Inside a band, an edge between two nodes of
the same type puts its target one layer lower (longest-path layering). Edges against that
order (a feedback loop into training, a cycle among components) are "back" links, drawn
apart. Edges spanning several layers pass through placeholder points, one per layer
crossed, which take a narrow slot of their own, so an edge never runs through a node it
does not join. Nodes in a layer are ordered by the barycentre of their neighbours (fewer
crossings), then spaced at least one slot apart and pulled towards their neighbours.
"""

from __future__ import annotations

import itertools
import textwrap
from dataclasses import dataclass

from workbench.core.logic_model import NODE_TYPES, LogicModel

__all__ = ["DUMMY_WIDTH", "Layout", "Placed", "Route", "layout", "wrap_label"]

NODE_WIDTH = 1.0  # a node's slot; nodes in a layer are at least this far apart (label boxes are narrower)
DUMMY_WIDTH = 0.3  # an edge's passage through a layer: narrow, so long edges do not spread the drawing
_ROUNDS = 12  # sweeps to order the layers
PASSAGE_WEIGHT = 4.0  # how much more an edge's passage resists being moved than a node
_PULLS = 60  # sweeps to pull nodes towards their neighbours (a long edge straightens slowly)
Point = tuple[float, float]


@dataclass(frozen=True)
class Placed:
    """A node on screen: its layer (0 at the top), its position across the layer, its label's lines."""

    id: str
    type: str
    layer: int
    x: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    """An edge's path, from its source to its target: (x, layer) points, through the layers it crosses.

    ``back``: the edge runs against the drawing's order (a feedback loop into an earlier
    step), so it takes a lane at the side of the drawing instead of crossing it: out
    below its source, along the lane, and in from above its target (half-layer points).
    """

    source: str
    target: str
    label: str
    points: tuple[Point, ...]
    back: bool


@dataclass(frozen=True)
class Layout:
    nodes: dict[str, Placed]
    routes: list[Route]
    layers: int
    bands: dict[str, tuple[int, int]]  # node type -> its first and last layer (types with nodes only)

    @property
    def span(self) -> tuple[float, float]:
        """The smallest and largest x of anything drawn (nodes and the edges' passages)."""
        xs = [p.x for p in self.nodes.values()] + [x for r in self.routes for x, _ in r.points]
        return (min(xs), max(xs)) if xs else (0.0, 0.0)


def wrap_label(text: str, width: int = 18, max_lines: int = 3) -> tuple[str, ...]:
    """A label as a few short lines, so it can be read at the page's width; the last ends in … if cut.

    A word longer than a line (an id, a web address) is broken, after a hyphen where it has
    one, so no line is wider than ``width`` characters. The full label is in the node's hover text.
    """
    words = " ".join(text.split())
    lines = textwrap.wrap(words, width=width, break_long_words=False, break_on_hyphens=False)
    if any(len(line) > width for line in lines):  # a long word: break after its hyphens first, then anywhere
        lines = textwrap.wrap(words, width=width, break_long_words=True, break_on_hyphens=True)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        kept[-1] = (last if len(last) < width else last[:width - 1].rstrip()) + "…"
        lines = kept
    return tuple(lines) or ("",)


def _back_edges(model: LogicModel) -> set[tuple[str, str]]:
    """Edges against the flow: to an earlier node type, or closing a cycle among nodes of one type."""
    rank = {t: i for i, t in enumerate(NODE_TYPES)}
    kind = {n.id: n.type for n in model.nodes}
    back = {e.key for e in model.edges if rank[kind[e.target]] < rank[kind[e.source]]}
    within: dict[str, list[str]] = {}
    for e in model.edges:
        if kind[e.source] == kind[e.target] and e.source != e.target:
            within.setdefault(e.source, []).append(e.target)
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    for start in (n.id for n in model.nodes):
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(within.get(start, ())))]
        while stack:
            node, nexts = stack[-1]
            step = next(nexts, None)
            if step is None:
                state[node] = 2
                stack.pop()
            elif state.get(step) == 1:
                back.add((node, step))
            elif step not in state:
                state[step] = 1
                stack.append((step, iter(within.get(step, ()))))
    return back


def _layers(model: LogicModel, back: set[tuple[str, str]]) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Each node's layer: its type's band, then one layer down per same-type edge into it."""
    kind = {n.id: n.type for n in model.nodes}
    layer: dict[str, int] = {}
    bands: dict[str, tuple[int, int]] = {}
    start = 0
    for node_type in NODE_TYPES:
        members = [n.id for n in model.nodes if n.type == node_type]
        if not members:
            continue
        inner = [e.key for e in model.edges if kind[e.source] == kind[e.target] == node_type
                 and e.source != e.target and e.key not in back]
        depth = dict.fromkeys(members, 0)
        waiting = {m: sum(1 for _, t in inner if t == m) for m in members}
        ready = [m for m in members if not waiting[m]]
        while ready:  # Kahn's order: the back edges are out, so every node becomes ready
            node = ready.pop(0)
            for s, t in inner:
                if s == node:
                    depth[t] = max(depth[t], depth[node] + 1)
                    waiting[t] -= 1
                    if not waiting[t]:
                        ready.append(t)
        for m in members:
            layer[m] = start + depth[m]
        end = start + max(depth.values())
        bands[node_type] = (start, end)
        start = end + 1
    return layer, bands


def _crossings(order: list[list[str]], down: dict[str, list[str]]) -> int:
    """How many pairs of segments between adjacent layers cross."""
    total = 0
    for k in range(len(order) - 1):
        below = {item: i for i, item in enumerate(order[k + 1])}
        segments = [(i, below[t]) for i, item in enumerate(order[k]) for t in down.get(item, ()) if t in below]
        total += sum(1 for a, (s1, t1) in enumerate(segments) for s2, t2 in segments[a + 1:]
                     if (s1 - s2) * (t1 - t2) < 0)
    return total


def _order(order: list[list[str]], up: dict[str, list[str]], down: dict[str, list[str]]) -> list[list[str]]:
    """Reorder each layer by its items' barycentres, sweeping down then up; keep the fewest crossings."""
    best = [list(layer) for layer in order]
    fewest = _crossings(best, down)
    current = [list(layer) for layer in order]
    for round_ in range(_ROUNDS):
        if fewest == 0:
            break
        going_down = round_ % 2 == 0
        sequence = range(1, len(current)) if going_down else range(len(current) - 2, -1, -1)
        for k in sequence:
            ref = current[k - 1] if going_down else current[k + 1]
            where = {item: i for i, item in enumerate(ref)}
            links = up if going_down else down

            def centre(i_item: tuple[int, str], where: dict[str, int] = where,
                       links: dict[str, list[str]] = links) -> tuple[float, int]:
                i, item = i_item
                seen = [where[n] for n in links.get(item, ()) if n in where]
                return (sum(seen) / len(seen) if seen else float(i)), i

            current[k] = [item for _, item in sorted(enumerate(current[k]), key=centre)]
        count = _crossings(current, down)
        if count < fewest:
            fewest, best = count, [list(layer) for layer in current]
    return best


def _width(item: str, real: set[str]) -> float:
    return NODE_WIDTH if item in real else DUMMY_WIDTH


def _place(row: list[str], wanted: list[float], real: set[str]) -> list[float]:
    """Positions as near ``wanted`` as the order and the spacing allow (weighted least squares).

    With ``c`` the least offset of each item from the first, ``x - c`` must not decrease
    along the row: the nearest such sequence to ``wanted - c`` is an isotonic regression
    (pool adjacent violators). Pushing items apart and re-centring the row instead drifted
    the row's end items ever further out, one sweep after another. An edge's passage
    weighs more than a node, so nodes make way and long edges stay nearly straight.
    """
    offsets = [0.0]
    for a, b in itertools.pairwise(row):
        offsets.append(offsets[-1] + (_width(a, real) + _width(b, real)) / 2)
    blocks: list[tuple[float, float, int]] = []  # (mean, weight, items)
    for item, w, c in zip(row, wanted, offsets, strict=True):
        blocks.append((w - c, 1.0 if item in real else PASSAGE_WEIGHT, 1))
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (m2, w2, n2), (m1, w1, n1) = blocks.pop(), blocks.pop()
            blocks.append(((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2))
    fitted = [mean for mean, _, items in blocks for _ in range(items)]
    return [y + c for y, c in zip(fitted, offsets, strict=True)]


def _coordinates(order: list[list[str]], up: dict[str, list[str]], down: dict[str, list[str]],
                 real: set[str]) -> dict[str, float]:
    """Across-layer positions: packed, then pulled a few times towards the neighbours above and below."""
    x: dict[str, float] = {}
    for row in order:
        x.update(zip(row, _place(row, [0.0] * len(row), real), strict=True))
    for round_ in range(_PULLS):
        for row in order if round_ % 2 == 0 else reversed(order):
            wanted = []
            for item in row:
                near = [x[n] for n in (*up.get(item, ()), *down.get(item, ()))]
                wanted.append(sum(near) / len(near) if near else x[item])
            x.update(zip(row, _place(row, wanted, real), strict=True))
    low = min(x.values(), default=0.0)
    return {item: round(value - low, 6) for item, value in x.items()}


def _lanes(back: list[tuple[int, float, int, float, int]], low: float, high: float) -> dict[int, list[Point]]:
    """Paths for the back edges: out below the source, along a lane at the side, in from above the target.

    Each runs between rows (half a layer off), never through a node, on the side nearer
    its ends; each back edge has a lane of its own, the longest outermost.
    """
    paths: dict[int, list[Point]] = {}
    taken = {"left": 0, "right": 0}
    middle = (low + high) / 2
    for i, xs, ls, xt, lt in sorted(back, key=lambda b: abs(b[2] - b[4])):
        side = "left" if xs + xt < 2 * middle else "right"
        taken[side] += 1
        lane = low - 0.5 - 0.3 * taken[side] if side == "left" else high + 0.5 + 0.3 * taken[side]
        paths[i] = [(xs, float(ls)), (xs, ls + 0.5), (lane, ls + 0.5), (lane, lt - 0.5), (xt, lt - 0.5),
                    (xt, float(lt))]
    return paths


def layout(model: LogicModel, width: int = 18, max_lines: int = 3) -> Layout:
    """Every node's layer and position, and every edge's path, for drawing the model top to bottom.

    Deterministic: the same model gives the same drawing, so a node does not jump about
    when a theme is mapped. Edges from a node to itself have no path (nothing to route).
    """
    back = _back_edges(model)
    layer, bands = _layers(model, back)
    real = {n.id for n in model.nodes}
    count = max(layer.values(), default=-1) + 1
    rows: list[list[str]] = [[] for _ in range(count)]
    for node in model.nodes:
        rows[layer[node.id]].append(node.id)
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    chains: dict[int, list[str]] = {}
    for i, edge in enumerate(model.edges):
        if edge.source == edge.target or edge.key in back:
            continue
        chain = [edge.source] + [f"\x00{i}:{k}" for k in range(layer[edge.source] + 1, layer[edge.target])]
        chain.append(edge.target)
        for k, passage in enumerate(chain[1:-1], start=layer[edge.source] + 1):
            rows[k].append(passage)
        for a, b in itertools.pairwise(chain):
            down.setdefault(a, []).append(b)
            up.setdefault(b, []).append(a)
        chains[i] = chain
    order = _order(rows, up, down)
    x = _coordinates(order, up, down, real)
    level = {item: k for k, row in enumerate(order) for item in row}
    nodes = {n.id: Placed(n.id, n.type, layer[n.id], x[n.id], wrap_label(n.label, width, max_lines))
             for n in model.nodes}
    lanes = _lanes([(i, x[e.source], layer[e.source], x[e.target], layer[e.target])
                    for i, e in enumerate(model.edges) if e.key in back and e.source != e.target],
                   min(x.values(), default=0.0), max(x.values(), default=0.0))
    routes = []
    for i, edge in enumerate(model.edges):
        if i in chains:
            points = [(x[item], float(level[item])) for item in chains[i]]
        elif i in lanes:
            points = lanes[i]
        else:
            continue
        routes.append(Route(edge.source, edge.target, edge.label, tuple(points), edge.key in back))
    return Layout(nodes, routes, count, bands)
