"""The package's plan, checked: layers whose imports point one way, no import circles, small modules.

Read from the source (ast), so the rules hold for imports inside functions too, which is
where the heavy libraries are imported. Imports made only for type checking
(``if TYPE_CHECKING:``) do not count: they run nowhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"

# The layers, from the edges inwards. A module may import its own layer and the layers
# listed for it, nothing else: the arrows point one way, towards core and base.
LAYER_OF = {
    "pages": "app", "app": "app", "cli": "cli", "study": "facade", "services": "services", "store": "store",
    "engine": "engine", "privacy": "privacy", "io": "io", "core": "core",
}
MAY_IMPORT = {
    "app": {"facade", "engine", "privacy", "io", "core", "base"},  # the pages reach the study through the facade
    "cli": {"facade", "services", "store", "engine", "privacy", "io", "core", "base"},  # store: locating a study
    "facade": {"services", "store", "engine", "privacy", "io", "core", "base"},
    "services": {"store", "engine", "privacy", "io", "core", "base"},
    "store": {"core", "base"},
    "engine": {"core", "base"},
    "privacy": {"io", "core", "base"},
    "io": {"core", "base"},
    "core": {"base"},
    "base": set(),
}
ENTRY_POINTS = {"workbench.__main__"}  # ``python -m workbench`` runs the command line, by definition an edge
# Size limits, and the modules allowed past them with the reason.
MODULE_LINES, CLASS_LINES = 450, 260  # "about 400" and "about 250"
LARGER = {
    # One short method per thing a researcher does (about 85), each a line or two handing the work to a
    # service module: the one surface the command line and the pages call, kept whole so both see the same API.
    "workbench.study": "the facade",
    "workbench.study.Study": "the facade",
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    return LAYER_OF.get(parts[1], "base") if len(parts) > 1 else "base"


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """The workbench modules ``path`` imports (outside ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text())
    typing_only = {id(n) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for n in ast.walk(node)}
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("workbench"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if (PACKAGE.parent / Path(*node.module.split("."), f"{a.name}.py")).exists())
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.add("<relative>")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("workbench"))
    return found


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_imports_are_absolute():
    """One spelling for every import, so a module's dependencies read the same wherever it sits."""
    relative = [m for m, p in MODULES.items() if "<relative>" in _imports(p)]
    assert relative == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_one_way(module: str):
    if module in ENTRY_POINTS:
        return
    layer = _layer(module)
    wrong = sorted(f"{module} ({layer}) imports {other} ({_layer(other)})"
                   for other in _imports(MODULES[module]) - {"<relative>"}
                   if _layer(other) not in MAY_IMPORT[layer] | {layer})
    assert wrong == []


def test_no_import_circles_at_load_time():
    """No two modules need each other to load (imports inside functions may, and are lazy by design)."""
    graph = {m: {o for o in _imports(p, top_level_only=True) if o in MODULES and o != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_subpackages_import_nothing_when_opened():
    """Empty ``__init__.py`` files: opening ``workbench.io`` must not load every reader, or light commands get heavy."""
    for path in PACKAGE.rglob("__init__.py"):
        if path.parent == PACKAGE:
            continue  # the package's own __init__ applies the offline switches first, by design
        body = [n for n in ast.parse(path.read_text()).body
                if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert body == [], f"{path} does more than carry a docstring"


def test_streamlit_and_sql_stay_at_their_edges():
    for module, path in MODULES.items():
        text = path.read_text()
        if _layer(module) != "app":
            assert "import streamlit" not in text and "from streamlit" not in text, module
        if _layer(module) != "store":
            assert "import sqlalchemy" not in text and "from sqlalchemy" not in text, module


def test_modules_and_classes_stay_small():
    """Past the limits a module or class is doing several jobs; the exceptions say why."""
    large = []
    for module, path in MODULES.items():
        lines = path.read_text().count("\n")
        if lines > MODULE_LINES and module not in LARGER:
            large.append(f"{module}: {lines} lines")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno > CLASS_LINES \
                    and f"{module}.{node.name}" not in LARGER:
                large.append(f"{module}.{node.name}: {node.end_lineno - node.lineno} lines")
    assert large == []


def test_one_progress_type():
    """Every long step reports progress through the one ``Progress`` type, not a look-alike of its own."""
    declared = [m for m, p in MODULES.items() if "Progress = Callable" in p.read_text()]
    assert declared == ["workbench.core.progress"]
