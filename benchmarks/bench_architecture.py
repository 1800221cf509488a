"""The package's shape, before and after a change, side by side in one run.

For an earlier commit (``--base``, checked out into a temporary git worktree) and this
tree, each measured the same way in the same run:

- start-up: wall time of ``python -m workbench info``, ``segments --format json`` and
  ``candidates`` on a discovered study (median of 15, the two trees taking turns, after
  one untimed run that writes the compiled bytecode, as on a researcher's machine), and
  the workbench modules those commands load;
- the app: ``bench_app.py`` of each tree, run as it stands in that tree (its page
  switches and actions on 20,000 segments and 150 candidates, server-side medians);
- one accept's rerun of the Candidates page taken apart (median of 16): the time spent in
  the facade's calls and in garbage collection, so a difference in the app's action
  medians can be told apart from where a full collection happens to land;
- the code: modules, lines, the largest module and class, modules over 400 lines and
  classes over 250, and the pairs of places sharing six or more lines (the workplace's
  ``duplicates`` tool, where it is installed).

Ratios are this tree over the base: under 1 is faster (or smaller).

    .venv/bin/python benchmarks/bench_architecture.py --base 7f7b518 --study sample-study
    .venv/bin/python benchmarks/bench_architecture.py --base 7f7b518 --study sample-study --no-app
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, save

COMMANDS = (("info", []), ("segments", ["--format", "json"]), ("candidates", []))
LOADED = """
import runpy, sys
sys.argv = ["workbench", *sys.argv[1:]]
try:
    runpy.run_module("workbench", run_name="__main__")
except SystemExit:
    pass
sys.stderr.write(str(len([m for m in sys.modules if m.startswith("workbench")])))
"""


def _env(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    return env


def _timed(tree: Path, args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "workbench", *args], check=True, capture_output=True, env=_env(tree),
                   cwd=tree)
    return time.perf_counter() - start


def _loaded(tree: Path, args: list[str]) -> int:
    done = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, env=_env(tree),
                          cwd=tree, check=True)
    return int(done.stderr.strip().splitlines()[-1])


def startup(trees: dict[str, Path], study: str, repeats: int = 15) -> dict[str, dict[str, float]]:
    """Each command's median wall time in each tree, the trees taking turns run by run.

    Interleaved, and each tree first on every other round, so a slow spell of a shared
    machine falls on both alike; one untimed run first writes each tree's bytecode.
    """
    result: dict[str, dict[str, float]] = {name: {} for name in trees}
    for command, extra in COMMANDS:
        args = [command, "--study", study, *extra]
        times: dict[str, list[float]] = {name: [] for name in trees}
        for tree in trees.values():
            _timed(tree, args)
        for round_ in range(repeats):
            order = list(trees.items()) if round_ % 2 == 0 else list(reversed(trees.items()))
            for name, tree in order:
                times[name].append(_timed(tree, args))
        for name, tree in trees.items():
            result[name][f"workbench {command} (s, median of {repeats})"] = round(statistics.median(times[name]), 3)
            result[name][f"workbench {command}: workbench modules loaded"] = _loaded(tree, args)
    return result


RERUN = """
import collections, functools, gc, statistics, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path.cwd() / "benchmarks"))
import bench_app
from streamlit.testing.v1 import AppTest
from workbench.study import Study

facade = {"seconds": 0.0, "depth": 0}
for name, value in list(vars(Study).items()):
    if name.startswith("__") or not callable(value) or isinstance(value, (staticmethod, classmethod)):
        continue
    def timed(f):
        @functools.wraps(f)
        def inner(*args, **kwargs):
            facade["depth"] += 1
            start = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                facade["depth"] -= 1
                if facade["depth"] == 0:
                    facade["seconds"] += time.perf_counter() - start
        return inner
    setattr(Study, name, timed(value))
collected = {"seconds": 0.0, "full": 0, "start": 0.0}
def note(phase, info):
    if phase == "start":
        collected["start"] = time.perf_counter()
    else:
        collected["seconds"] += time.perf_counter() - collected["start"]
        collected["full"] += info["generation"] == 2
gc.callbacks.append(note)
REPEATS = 16
with tempfile.TemporaryDirectory() as tmp:
    page = AppTest.from_file(str(Path.cwd() / "workbench" / "pages" / "candidates_page.py"), default_timeout=300)
    page.session_state["study_location"] = bench_app.build(Path(tmp))
    page.session_state["researcher"] = "bench"
    page.run()
    times = []
    for i in range(REPEATS + 2):
        next(b for b in page.button if b.label == "Accept as a theme").click()
        if i == 2:  # two warm-up accepts
            facade["seconds"] = collected["seconds"] = 0.0
            collected["full"] = 0
        start = time.perf_counter()
        page.run()
        assert "Accepted" in page.success[0].value
        if i >= 2:
            times.append(time.perf_counter() - start)
print({"accept rerun, median (ms)": round(1000 * statistics.median(times), 1),
       "accept rerun: facade calls per rerun (ms)": round(1000 * facade["seconds"] / REPEATS, 1),
       "accept rerun: garbage collection per rerun (ms)": round(1000 * collected["seconds"] / REPEATS, 1),
       "accept rerun: full collections in 16 reruns": collected["full"]})
"""


def rerun(tree: Path) -> dict[str, float]:
    """One accept's rerun of the Candidates page, taken apart: the facade's calls and the garbage collector's share.

    The app benchmark's action medians move by tens of milliseconds with where a full
    collection of the session's objects lands; this says whether a difference between the
    trees is the workbench's own time or the collector's.
    """
    done = subprocess.run([sys.executable, "-c", RERUN], check=True, capture_output=True, text=True, env=_env(tree),
                          cwd=tree, timeout=1800)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def app(tree: Path) -> dict[str, float]:
    """Run the tree's own bench_app.py and read the medians it saved."""
    subprocess.run([sys.executable, "bench_app.py"], check=True, capture_output=True, env=_env(tree),
                   cwd=tree / "benchmarks", timeout=1800)
    data = json.loads((tree / "benchmarks" / "results" / "app.json").read_text())
    return {f"app: {k} (ms)": v for k, v in _flat(data).items() if "median" in k or k.startswith("switch")}


def _flat(data: object, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}{key} / " if prefix or isinstance(value, dict) else f"{key}"))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        out[prefix.rstrip(" /")] = data
    return out


def code(tree: Path) -> dict[str, float | str]:
    modules, classes = [], []
    for path in (tree / "workbench").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(tree))
        modules.append((text.count("\n"), name))
        classes += [(node.end_lineno - node.lineno + 1, f"{name}:{node.name}")
                    for node in ast.walk(ast.parse(text)) if isinstance(node, ast.ClassDef)]
    modules.sort(reverse=True)
    classes.sort(reverse=True)
    result: dict[str, float | str] = {
        "modules": len(modules),
        "lines": sum(n for n, _ in modules),
        "largest module (lines)": modules[0][0],
        "largest module": modules[0][1],
        "modules over 400 lines": sum(n > 400 for n, _ in modules),
        "largest class (lines)": classes[0][0],
        "largest class": classes[0][1],
        "classes over 250 lines": sum(n > 250 for n, _ in classes),
    }
    tool = shutil.which("duplicates")
    if tool:
        done = subprocess.run([tool, "--repo", str(tree / "workbench"), "--seconds", "120"], capture_output=True,
                              text=True, check=True)
        found = re.search(r"(\d+) pairs? of places", done.stdout)
        runs = sum(int(n) for n in re.findall(r"\(\+(\d+) more runs?\)", done.stdout))
        if found:
            result["pairs of places sharing 6+ lines"] = int(found.group(1))
            result["runs of 6+ shared lines (pairs + more runs)"] = int(found.group(1)) + runs
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="7f7b518", help="the earlier commit to compare with")
    parser.add_argument("--study", default=str(ROOT / "sample-study"), help="a discovered study")
    parser.add_argument("--no-app", action="store_true", help="leave out the app benchmark (about 10 minutes)")
    options = parser.parse_args()
    study = str(Path(options.study).resolve())
    base = Path(tempfile.mkdtemp(prefix="workbench-base-")) / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(base), options.base],
                   check=True)
    try:
        trees = {"base": base, "head": ROOT}
        rows: dict[str, dict[str, float | str]] = {name: {} for name in trees}
        for name, tree in trees.items():
            rows[name].update(code(tree))
        print("start-up", flush=True)
        for name, measured in startup(trees, study).items():
            rows[name].update(measured)
        if not options.no_app:
            for name, tree in trees.items():
                print("app:", name, flush=True)
                rows[name].update(app(tree))
                rows[name].update(rerun(tree))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    table = []
    for key in rows["head"]:
        before, after = rows["base"].get(key), rows["head"][key]
        ratio = (round(after / before, 2) if isinstance(before, int | float) and isinstance(after, int | float)
                 and before else "")
        table.append({"what": key, "base": before, "head": after, "head / base": ratio})
        print(f"{key:60} {before!s:>30} {after!s:>30} {ratio!s:>6}")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    print("saved", save("architecture", {"base": options.base, "head": head, "rows": table}))


if __name__ == "__main__":
    main()
