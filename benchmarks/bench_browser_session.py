"""A researcher's review session in Chromium on a large study: each action from click to settled page.

The study is bench_app.py's synthetic one (20,000 segments, 150 candidates, 20 themes
accepted, a validation panel under way), served by ``workbench app`` and driven by Debian's
chromium through Playwright, as tests/test_browser.py drives it. The script makes at
least thirty decisions across the pages, switching pages between them: on Candidates it
accepts eight candidates with names, rejects two with a reason, merges two into themes,
ticks triage segments and assigns them; on Themes it renames, defines, moves a segment
and adds a memo, for two themes; on Validation it names a new session and votes on six
themes; on Logic model it maps two themes to nodes; on the Decision log it reverts one
decision (choosing the event, a reason, the confirmation).

An action's time (``ms``) runs from just before Playwright's click (or key press) to the
page *settled*, as time.perf_counter in this process sees it: a script run that finished
successfully has reached the page since the click (counted in the page as each websocket
message arrives, so a run too quick to show "running" is not missed), the app's
``data-test-script-state`` is ``notRunning``, no element is stale, and the action's
expected result is on screen (its success message, the new page's heading, the field or
tab it opened). The page checks this every animation frame. ``from_press`` is the same
end on the page's own clock from the pointer-down or key-down event, so without
Playwright's actionability checks before the press (tens of ms, more when the page is
busy). The status widget (the "running" indicator) leaving the page is recorded too.

Where the time goes: a hook put on the server's PYTHONPATH (a generated sitecustomize,
no change to the app) times each script run and each full garbage collection in the
server, so each action is split into *before* (click to its first run starting), its
runs' *script* time, *between* runs (an action that records a decision reruns: two
runs) and *after* the last run (delivering its last messages and the browser drawing
them). ``--profile`` also profiles each run with cProfile and lists, per kind of action,
the workbench functions that take the time (times inflated by the profiler; a separate
result, browser_session_profile). ``--server-env NAME=VALUE`` runs the server with a
setting changed, for experiments (a separate result, browser_session_experiment).

After the session the study is opened with Study.open and its new events are compared
with the decisions the script made, each on the intended candidate, theme, segments,
node or event: the benchmark fails if any differs.

Targets (the app benchmark issue): median under 500 ms, none over 2 s, uncontended.
The script, the study and its random numbers are fixed, so a run can be repeated: each
of ``--rounds`` (2 by default) replays the whole session on a fresh copy of the study
with a fresh server and browser; times are pooled, and each round's median and maximum
are kept to show the spread. The machine's 2 cores are shared, so each round records
the share of the machine's CPU that processes other than the benchmark's own (this one,
the server, chromium) used while it ran; over a tenth, the run is marked contended and
its times are not the uncontended figures the targets are about.

Streamlit's file watcher is off for the served app (an edit to a page during the run would
otherwise show "File change" and cost time); it is a development aid, not what researchers run.

    cd benchmarks && ../.venv/bin/python bench_browser_session.py [--rounds N] [--profile]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import bench_app
from common import save
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_harness import CHROMIUM, browser, serve, start  # serving and driving the app: helpers, no tests

TARGET_MEDIAN_MS, TARGET_MAX_MS = 500, 2000
FULL_SIZE = bench_app.SEGMENTS  # 20,000: build() reads bench_app.SEGMENTS, which --segments changes
RESEARCHER = "Bench Researcher"
NAMES = ["Referral delays", "Police notifications", "School concerns", "Consent and sharing", "Weekend cover",
         "Threshold disputes", "Feedback to referrers", "Staff training"]

# In the page before the app loads: count the script runs that finished (ForwardMsgs on the websocket whose
# script_finished, field 6, is FINISHED_SUCCESSFULLY, 0: top-level protobuf fields read here), and note when
# the last press (pointer or key) happened. The count is taken as each message arrives, before Streamlit
# handles it; a run too quick to show "running" in the page is counted all the same.
OBSERVER = """
window.__finished = 0;
const finishedOk = bytes => {
  let at = 0;
  const varint = () => { let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; }
    while (byte & 0x80 && at < bytes.length);
    return value; };
  while (at < bytes.length) {
    const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
    if (wire === 0) { const value = varint(); if (field === 6) return value === 0; }
    else if (wire === 2) { const length = varint(); at += length; }  // not at += varint(): at is read first
    else if (wire === 1) { at += 8; }
    else if (wire === 5) { at += 4; }
    else return false;
  }
  return false;
};
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', event => {
      if (event.data instanceof ArrayBuffer && finishedOk(new Uint8Array(event.data))) window.__finished += 1;
    });
  }
};
for (const kind of ['pointerdown', 'keydown']) {
  window.addEventListener(kind, event => { window.__input = event.timeStamp; }, true);
}
window.__long = [];  // the browser's main thread busy for 50 ms or more at a time: drawing, scripting
new PerformanceObserver(found => { for (const e of found.getEntries()) window.__long.push([e.startTime, e.duration]); })
  .observe({type: 'longtask', buffered: true});
"""
BUSY = """([from, to]) => window.__long.reduce(
  (sum, [start, length]) => sum + Math.max(0, Math.min(to, start + length) - Math.max(from, start)), 0)"""
RUNS = "() => window.__finished || 0"
# Settled: a script run finished since the click, the app is idle, nothing is stale, and the expected text is
# on screen in an element matching the selector. Checked each animation frame; gives the page's clock.
SETTLED = """([runs, selector, text]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if ((window.__finished || 0) <= runs || !app || app.getAttribute('data-test-script-state') !== 'notRunning'
      || document.querySelector('[data-stale="true"]')) return false;
  if (selector && ![...document.querySelectorAll(selector)].some(
      e => (e.offsetWidth || e.offsetHeight) && (e.innerText || e.value || '').includes(text))) return false;
  return performance.now();
}"""
ALERT, HEADING, CAPTION = "[data-testid='stAlert']", "h1, h2, h3", "[data-testid='stCaptionContainer']"
WIDGET_LABEL = "[data-testid='stWidgetLabel']"
INDICATOR_GONE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && performance.now()"


# Put on the server's PYTHONPATH as sitecustomize.py: times each script run in the server (and, with
# --profile, profiles it), by wrapping the function Streamlit's script runner executes a run with, and each
# full (generation 2) garbage collection. Nothing in the app changes; perf_counter is CLOCK_MONOTONIC on
# Linux, so the times compare with this process's.
SERVER_HOOK = """
import importlib.abc, importlib.machinery, json, os, sys, time

TARGET = "streamlit.runtime.scriptrunner.script_runner"


def _patch(module):
    inner = module.exec_func_with_error_handling
    log = open(os.environ["BENCH_SCRIPT_RUNS"], "a", buffering=1)
    folder = os.environ.get("BENCH_SCRIPT_PROFILE")
    count = [0]

    def timed(func, ctx):
        count[0] += 1
        profile = None
        if folder:
            import cProfile
            profile = cProfile.Profile()
            profile.enable()
        start = time.perf_counter()
        try:
            return inner(func, ctx)
        finally:
            end = time.perf_counter()
            if profile is not None:
                profile.disable()
                profile.dump_stats(os.path.join(folder, f"{count[0]}.prof"))
            log.write(json.dumps({"n": count[0], "start": start, "end": end}) + "\\n")

    module.exec_func_with_error_handling = timed


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None:
            return None
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec


def _collections():
    import gc

    log = open(os.environ["BENCH_SCRIPT_RUNS"], "a", buffering=1)
    began = [0.0]

    def timed(phase, info):
        if info["generation"] != 2:
            return
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            log.write(json.dumps({"gc": 2, "start": began[0], "end": time.perf_counter()}) + "\\n")

    gc.callbacks.append(timed)


if os.environ.get("BENCH_SCRIPT_RUNS"):
    sys.meta_path.insert(0, _Finder())
    _collections()
"""


class Wire:
    """The websocket's ForwardMsgs, timed as they arrive: when each script run finished, and bytes sent."""

    def __init__(self, page) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._msg, self.frames = ForwardMsg, []  # (time, type, finished status, bytes)
        self.finished_ok = ForwardMsg.FINISHED_SUCCESSFULLY
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: bytes | str) -> None:
        at = time.perf_counter()
        data = payload if isinstance(payload, bytes) else payload.encode()
        msg = self._msg()
        try:
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
        except Exception:  # a frame this Streamlit cannot parse: counted, not read
            kind = None
        self.frames.append((at, kind, msg.script_finished if kind == "script_finished" else None, len(data)))

    def since(self, mark: int) -> list[tuple[float, str | None, int | None, int]]:
        return self.frames[mark:]


class Session:
    """One browser tab on the served app, timing each action from its click to the settled page."""

    def __init__(self, page, wire: Wire) -> None:
        self.page, self.wire = page, wire
        self.actions: list[dict[str, Any]] = []
        self.expected: list[tuple[str, dict[str, Any]]] = []  # (kind, payload fields) of each decision made
        self.seqs: dict[str, int] = {}  # what -> the event number its success message gave
        self.notes: list[str] = []

    # -- measuring ---------------------------------------------------------------------------------------
    def timed(self, kind: str, what: str, click: Callable[[], None],
              expect: tuple[str, str] | None = None) -> None:
        """Click, then wait in the page (each animation frame) until it has settled showing ``expect``.

        ``expect`` is (CSS selector, text): the action's visible result. The wait runs in the page, so
        the settled moment is read off the page's clock, not after a round trip to Playwright.
        """
        page = self.page
        runs = page.evaluate(RUNS)
        mark = len(self.wire.frames)
        selector, text = expect or ("", "")
        start = time.perf_counter()
        click()
        clicked = time.perf_counter()
        fallback = False
        while True:
            try:
                now = page.wait_for_function(SETTLED, arg=[runs, selector, text], polling="raf", timeout=15_000)
                break
            except PlaywrightTimeout:
                done = any(k == "script_finished" and status == self.wire.finished_ok
                           for _, k, status, _ in self.wire.since(mark))
                if done and page.evaluate(SETTLED, [-1, selector, text]):  # the page missed the message
                    now, fallback = page.wait_for_function(SETTLED, arg=[-1, selector, text]), True
                    break
                if time.perf_counter() - start > 120:
                    raise TimeoutError(f"{what}: the page did not settle showing {expect}") from None
        settled = time.perf_counter()
        pressed = page.evaluate("() => window.__input || 0")
        in_page = now.json_value() - pressed
        busy = page.evaluate(BUSY, [pressed, now.json_value()])
        gone = page.wait_for_function(INDICATOR_GONE, polling="raf", timeout=60_000).json_value()
        page.wait_for_timeout(20)  # let the last frames of this action arrive before the next mark
        frames = self.wire.since(mark)
        finished = [t for t, k, s, _ in frames
                    if k == "script_finished" and s == self.wire.finished_ok and t <= settled]
        server = (finished[-1] - start) if finished else None
        self.actions.append({
            "kind": kind, "what": what, "ms": round(1000 * (settled - start), 1),
            "from_press_ms": round(in_page, 1), "click_call_ms": round(1000 * (clicked - start), 1),
            "indicator_gone_ms": round(in_page + gone - now.json_value(), 1),
            "server_ms": None if server is None else round(1000 * server, 1),
            "browser_ms": None if server is None else round(1000 * (settled - start - server), 1),
            "runs": sum(1 for _, k, _, _ in frames if k == "new_session"), "fallback": fallback,
            "browser_busy_ms": round(busy, 1),
            "start": start, "settled": settled,
            "kb": round(sum(n for t, _, _, n in frames if t <= settled) / 1024, 1)})
        print(f"  {self.actions[-1]['ms']:8.1f} ms  {kind}: {what}", flush=True)

    def decided(self, kind: str, what: str, click: Callable[[], None], message: str,
                payload: dict[str, Any]) -> int:
        """A timed decision whose success message starts with ``message``; returns its event number."""
        self.timed(kind, what, click, (ALERT, message))
        shown = self.page.get_by_test_id("stAlert").filter(has_text=message).first.inner_text()
        found = re.search(r"event #(\d+)", shown)
        assert found, f"{what}: no event number in {shown!r}"
        self.expected.append((kind, payload))
        self.seqs[what] = int(found.group(1))
        return int(found.group(1))

    # -- the page's parts --------------------------------------------------------------------------------
    def field(self, label: str):
        return self.page.locator(f"[aria-label='{label}']:visible").first

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def go(self, title: str, kind: str = "switch page") -> None:
        self.timed(kind, f"to {title}",
                   lambda: self.page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click(),
                   ("h1", title))

    def tab(self, name: str) -> None:
        self.timed("switch tab", name, lambda: self.page.get_by_role("tab", name=name, exact=True).click(),
                   ("[role='tab'][aria-selected='true']", name))

    def box(self, label: str, kind: str = "stSelectbox"):
        """The visible select box (or multiselect) whose label starts with ``label``."""
        name = self.page.get_by_test_id("stWidgetLabel").filter(has_text=re.compile(f"^{re.escape(label)}"))
        return self.page.locator(f"[data-testid='{kind}']:visible").filter(has=name).first

    def select(self, label: str, typed: str, option: str | re.Pattern, timed: str | None = None,
               expect: tuple[str, str] | None = None) -> None:
        """Choose in a select box by typing; timed (a rerun) when ``timed`` names the action kind."""
        box = self.box(label)
        box.locator("input").click()
        box.locator("input").fill(typed)
        choice = self.page.get_by_role("option", name=option).first
        if timed:
            self.timed(timed, f"{label}: {typed}", choice.click, expect)
        else:
            choice.click()

    def several(self, label: str, option: re.Pattern, typed: str = "") -> str:
        """Choose one item in a multiselect (in a form: no rerun): the first option matching ``option``
        (never the "Select all" or "Select N matches" at the top of the list); its text."""
        box = self.box(label, "stMultiSelect")
        box.locator("input").click()
        if typed:
            box.locator("input").fill(typed)
        option = self.page.get_by_role("option").filter(has_text=option).first
        text = option.inner_text()
        option.click()
        self.page.keyboard.press("Escape")
        return text

    def shows(self, label: str, text: str) -> None:
        """Wait until the select box ``label`` shows ``text`` (drawn as text, or as its input's value)."""
        box = self.box(label)
        read = ("e => e.innerText + ' ' + [...e.querySelectorAll('input')]"
                ".map(i => i.value + ' ' + (i.placeholder || '') + ' ' + (i.ariaLabel || '')).join(' ')")
        deadline = time.perf_counter() + 30
        while text not in (shown := box.evaluate(read)):
            if time.perf_counter() > deadline:
                raise AssertionError(f"{label!r} shows {shown!r}, not {text!r}")
            self.page.wait_for_timeout(50)

    def heading(self, text: str):
        return self.page.get_by_role("heading", name=text).first


def review(s: Session) -> None:
    """The scripted session: at least thirty decisions across the pages."""
    page = s.page
    # Candidates: the queue shows the first candidate still to review (R1-C00) and moves on after each decision.
    s.go("Candidates")
    for i, name in enumerate(NAMES):
        cand, theme = f"R1-C{i:02d}", f"T-{21 + i:03d}"
        s.heading(f"{cand}:").wait_for()
        s.field("Theme name").fill(name)
        s.decided("accept", f"accept {cand}", s.button("Accept as a theme").click, f"Accepted {cand} as '{name}'",
                  {"candidate": cand, "theme": theme, "name": name})
    s.tab("Reject")
    s.heading("R1-C08:").wait_for()
    s.field("Reason (required)").fill("too broad to be one theme")
    s.decided("reject", "reject R1-C08", s.button("Reject").click, "Rejected R1-C08", {"candidate": "R1-C08"})
    s.tab("Merge")
    for cand, into in (("R1-C09", "T-021"), ("R1-C10", "T-022")):
        s.heading(f"{cand}:").wait_for()
        s.select("Merge into", into, re.compile(f"^{into} "))
        s.field("Reason (required)").fill(f"the same idea as {into}")
        s.decided("merge", f"merge {cand} into {into}", s.button("Merge").click, f"Merged {cand} into {into}",
                  {"into": into, "sources": [cand]})
    s.tab("Reject")
    s.heading("R1-C11:").wait_for()
    s.field("Reason (required)").fill("no clear idea")
    s.decided("reject", "reject R1-C11", s.button("Reject").click, "Rejected R1-C11", {"candidate": "R1-C11"})
    s.tab("Unassigned segments (triage)")
    for count, theme in ((3, "T-023"), (2, "T-024")):
        ticked = []
        for n in range(count):
            box = page.locator("[data-testid='stCheckbox']:visible").nth(n)
            ticked.append(box.inner_text().split(" ")[0])
            s.timed("tick a triage segment", ticked[-1], box.locator("label").click,
                    (CAPTION, f"{n + 1} ticked on this page"))
        s.select("Theme", theme, re.compile(f"^{theme} "))
        s.decided("assign", f"assign {len(ticked)} to {theme}", s.button("Assign the ticked segments").click,
                  f"Assigned {count} segment(s) to {theme}", {"segments": sorted(ticked), "theme": theme})

    # Themes: two themes, each renamed, defined, a segment moved, a memo.
    s.go("Themes")
    for theme, other, name in (("T-021", "T-022", "Slow referrals"), ("T-022", "T-023", "Police notices late")):
        s.select("Theme", theme, re.compile(f"^{theme} "), timed="pick a theme",
                 expect=(HEADING, f"{theme}:"))
        s.tab("Rename")
        s.field("New name").fill(name)
        s.decided("rename", f"rename {theme}", s.button("Rename").click, f"Renamed {theme} to '{name}'",
                  {"theme": theme, "name": name})
        s.tab("Define")
        definition = f"What {name.lower()} means: waits and hand-offs described by staff"
        s.field("Definition").fill(definition)
        s.decided("define", f"define {theme}", s.button("Save definition").click, f"Defined {theme}",
                  {"theme": theme, "definition": definition})
        s.tab("Move / assign")
        segment = s.several("Segments of this theme", re.compile(r"^s\d+: ")).split(":")[0].strip()
        s.select("Other theme", other, re.compile(f"^{other} "))
        s.decided("move", f"move {segment} from {theme} to {other}", s.button("Apply").click,
                  f"Moved 1 segment(s) from {theme} to {other}", {"segments": [segment], "from": theme, "to": other})
        s.tab("Memos")
        memo = f"Check {theme} against the site visits"
        s.field("New memo on this theme").fill(memo)
        s.decided("memo", f"memo on {theme}", s.button("Add memo").click, f"Memo added to {theme}",
                  {"text": memo, "theme": theme})

    # Validation: a new session, six votes down the list.
    s.go("Validation")
    s.select("Session", "(a new", "(a new session)", timed="pick a session",
             expect=(WIDGET_LABEL, "Name of the new session"))
    s.field("Name of the new session").fill("panel 2")
    s.timed("name a session", "panel 2", lambda: page.keyboard.press("Enter"),
            (HEADING, "Your votes (0 of"))
    for i, verdict in enumerate(["accept", "revise", "accept", "reject", "accept", "revise"]):
        item = f"T-{i + 1:03d}"
        s.shows("Theme or candidate", item)
        page.get_by_test_id("stRadio").filter(has_text="Your verdict").get_by_text(verdict, exact=True).click()
        s.decided("vote", f"vote on {item}", s.button("Record my vote").click, f"Recorded your vote on {item}",
                  {"session": "panel 2", "item": item, "vote": verdict})

    # Logic model: two themes mapped, each to a node.
    s.go("Logic model")
    for theme, node, label in (("T-021", "mech-trust", "Trust between agencies"),
                               ("T-022", "mech-timely-info", "Timely access to information")):
        s.select("Node", label.split(" ")[0], re.compile(f"^{re.escape(label)}"), timed="pick a node",
                 expect=(HEADING, label))
        s.several("Themes not yet mapped to this node", re.compile(f"^{theme} "), theme)
        s.field("How they evidence this node (optional; kept with each theme)").fill("staff describe it")
        s.decided("map", f"map {theme} to {node}", s.button("Map to this node").click, f"Mapped {theme} to {node}",
                  {"theme": theme, "node": node})

    # Decision log: revert the last memo (choose the event, a reason, the confirmation).
    s.go("Decision log")
    seq = s.seqs["memo on T-022"]
    if not s.box("Decision to undo").count():
        s.notes.append("Decision log: no 'Decision to undo' picker on the page; the revert step was skipped")
        print("NOTE:", s.notes[-1])
        return
    s.select("Decision to undo", f"#{seq}", re.compile(f"^#{seq} · memo"), timed="pick an event",
             expect=(ALERT, f"This undoes #{seq}"))
    s.field("Reason (required)").fill("memo written on the wrong theme")
    s.timed("type a reason (Enter)", f"reason for #{seq}", lambda: page.keyboard.press("Enter"))
    sure = page.locator("[data-testid='stCheckbox']:visible").filter(has_text=f"reverting #{seq}")
    s.timed("tick the confirmation", f"#{seq}", sure.locator("label").click,
            ("button:enabled", f"Yes, revert #{seq}"))
    s.decided("revert", f"revert #{seq}", s.button(f"Yes, revert #{seq}").click, f"Reverted #{seq}", {"event": seq})


def check(location: str, first: int, session: Session) -> list[str]:
    """What the log holds after ``first`` against the decisions made: each on the intended item."""
    from workbench.study import Study

    study = Study.open(location)
    try:
        events = [e for e in study.events() if e.seq > first]
        problems = []
        if len(events) != len(session.expected):
            problems.append(f"{len(events)} new events, {len(session.expected)} decisions made: "
                            f"{[e.kind for e in events]}")
        for event, (kind, fields) in zip(events, session.expected, strict=False):
            payload = event.payload
            if kind == "merge":
                payload = {**payload, "sources": [s["id"] for s in payload.get("sources", [])]}
            if kind == "assign" or kind == "move":
                payload = {**payload, "segments": sorted(payload.get("segments", []))}
            wrong = {k: (payload.get(k), v) for k, v in fields.items() if payload.get(k) != v}
            if event.kind != kind or wrong or event.by != RESEARCHER:
                problems.append(f"#{event.seq}: {event.kind} by {event.by} {wrong or ''} (expected {kind} {fields})")
        log = study.log()
        for kind, fields in session.expected:
            if kind == "revert" and log.active(fields["event"]):
                problems.append(f"#{fields['event']} is still active after its revert")
        return problems
    finally:
        study.close()


def cpu_now() -> tuple[float, float, float]:
    """(seconds, CPU seconds busy on the whole machine, CPU seconds of this process and its descendants).

    The server, chromium and Playwright's driver are all this process's descendants, so what the
    machine did besides is the difference: other people's work, which the benchmark cannot stop.
    """
    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]  # all but idle and iowait
    parents, times = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    rest = handle.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(rest[1])
                times[int(entry)] = int(rest[11]) + int(rest[12])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return time.monotonic(), busy / tick, sum(times.get(pid, 0) for pid in tree) / tick


def others_share(before: tuple[float, float, float], after: tuple[float, float, float]) -> float:
    """The share of the machine's cores that other processes used between two ``cpu_now`` readings."""
    cores = os.cpu_count() or 1
    others = (after[1] - before[1]) - (after[2] - before[2])
    return round(max(0.0, others) / ((after[0] - before[0]) * cores), 3)


def one_round(pristine: Path, folder: Path, profile: bool,
              server_env: dict[str, str]) -> tuple[Session, list[str], dict[str, float]]:
    from workbench.study import Study

    location = folder / "study"
    shutil.copytree(pristine, location)
    opened = Study.open(str(location))
    first = max((e.seq for e in opened.events()), default=0)
    opened.close()
    hook = folder / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SERVER_HOOK, encoding="utf-8")
    runs_log = folder / "runs.jsonl"
    saved = dict(os.environ)
    os.environ["PYTHONPATH"] = os.pathsep.join(x for x in (str(hook), os.environ.get("PYTHONPATH", "")) if x)
    os.environ["BENCH_SCRIPT_RUNS"] = str(runs_log)
    os.environ.update(server_env)
    if profile:
        (folder / "profiles").mkdir()
        os.environ["BENCH_SCRIPT_PROFILE"] = str(folder / "profiles")
    load_before = os.getloadavg()[0]
    try:
        with serve(str(location), folder / "app.log") as (url, _), browser() as page:
            os.environ.clear()
            os.environ.update(saved)  # the server has started: this process's environment as it was
            page.add_init_script(OBSERVER)
            session = Session(page, Wire(page))
            start(page, url, RESEARCHER)
            began = cpu_now()
            try:
                review(session)
            except Exception:
                shot = Path(tempfile.gettempdir()) / "bench_browser_session_failed.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"failed; the page's messages: {page.get_by_test_id('stAlert').all_inner_texts()}; "
                      f"screenshot {shot}; server log {folder / 'app.log'}")
                raise
            others = others_share(began, cpu_now())  # while the server and chromium still run
    finally:
        os.environ.clear()
        os.environ.update(saved)
    load = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2), "others_cpu_share": others}
    attribute(session.actions, runs_log, folder / "profiles" if profile else None)
    return session, check(str(location), first, session), load


def attribute(actions: list[dict[str, Any]], runs_log: Path, profiles: Path | None) -> None:
    """Give each action the server's script runs made between its click and its settled page."""
    import json

    logged = [json.loads(line) for line in runs_log.read_text(encoding="utf-8").splitlines() if line.strip()]
    runs = [r for r in logged if "n" in r]
    collections = [c for c in logged if "gc" in c]
    for a in actions:
        a["full_gc_ms"] = round(1000 * sum(c["end"] - c["start"] for c in collections
                                           if a["start"] <= c["start"] < a["settled"]), 1)
        mine = [r for r in runs if a["start"] <= r["start"] < a["settled"]]
        a["script_runs"] = len(mine)
        a["script_ms"] = round(1000 * sum(r["end"] - r["start"] for r in mine), 1)
        if mine:
            a["before_first_run_ms"] = round(1000 * (mine[0]["start"] - a["start"]), 1)
            a["between_runs_ms"] = round(1000 * sum(b["start"] - r["end"] for r, b in pairwise(mine)), 1)
            a["after_last_run_ms"] = round(1000 * (a["settled"] - mine[-1]["end"]), 1)
        if profiles is not None:
            a["profiles"] = [str(profiles / f"{r['n']}.prof") for r in mine]
    for a in actions:
        del a["start"], a["settled"]


def hotspots(files: list[str], runs: int, top: int = 8) -> dict[str, list[tuple[str, float]]]:
    """Where a kind of action's script runs spend their time: ms per action, cumulative and own."""
    import pstats

    found = [f for f in files if Path(f).is_file()]
    if not found:
        return {}
    stats = pstats.Stats(*found).stats  # (file, line, function) -> (calls, calls, own, cumulative, callers)

    def name(key: tuple[str, int, str]) -> str:
        where = key[0].split("/site-packages/")[-1].replace(str(Path(__file__).resolve().parents[1]) + "/", "")
        return f"{where}:{key[1]} {key[2]}"

    ours = [(k, v[3]) for k, v in stats.items() if "/workbench/" in k[0] and "site-packages" not in k[0]
            and k[2] != "<module>"]
    own = [(k, v[2]) for k, v in stats.items()]
    return {"workbench, cumulative": [(name(k), round(1000 * t / runs, 1)) for k, t in
                                      sorted(ours, key=lambda x: -x[1])[:top]],
            "any function, own time": [(name(k), round(1000 * t / runs, 1)) for k, t in
                                       sorted(own, key=lambda x: -x[1])[:top]]}


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def summary(actions: list[dict[str, Any]]) -> dict[str, Any]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for a in actions:
        kinds.setdefault(a["kind"], []).append(a)

    def stats(group: list[dict[str, Any]]) -> dict[str, Any]:
        def m(field: str) -> float | None:
            return median([a[field] for a in group if a.get(field) is not None])

        return {"count": len(group), "median_ms": m("ms"), "max_ms": round(max(a["ms"] for a in group), 1),
                "from_press_median_ms": m("from_press_ms"),
                "from_press_max_ms": round(max(a["from_press_ms"] for a in group), 1),
                "click_call_median_ms": m("click_call_ms"), "script_median_ms": m("script_ms"),
                "script_runs": m("script_runs"), "before_first_run_median_ms": m("before_first_run_ms"),
                "between_runs_median_ms": m("between_runs_ms"), "after_last_run_median_ms": m("after_last_run_ms"),
                "full_gc_median_ms": m("full_gc_ms"), "browser_busy_median_ms": m("browser_busy_ms"),
                "indicator_gone_median_ms": m("indicator_gone_ms"),
                "kb_median": m("kb")}

    return {"by_kind": {k: stats(v) for k, v in kinds.items()}, "overall": stats(actions)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="whole sessions, each on a fresh copy (default 2)")
    parser.add_argument("--segments", type=int, default=FULL_SIZE,
                        help="the study's size (default 20,000; smaller only to try the script out)")
    parser.add_argument("--profile", action="store_true",
                        help="profile the server's script runs (cProfile: slower; saved as browser_session_profile)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the server only, for experiments (e.g. "
                             "STREAMLIT_RUNNER_POST_SCRIPT_GC=false; saved as browser_session_experiment)")
    args = parser.parse_args()
    # Stopped (a timeout's SIGTERM), still stop the server and remove the study: an exit, not a kill.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not CHROMIUM.exists():
        sys.exit(f"no {CHROMIUM}: install Debian's chromium to run this benchmark")
    bench_app.SEGMENTS = args.segments
    # The pages as they were when the server started: without this, an edit to the working tree's pages
    # during the run shows "File change. Rerun" in the status widget, and the watcher costs time.
    os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
    server_env = dict(item.split("=", 1) for item in args.server_env)
    began = time.perf_counter()
    actions, problems, loads, notes = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        print(f"building the study ({args.segments:,} segments) ...", flush=True)
        pristine = Path(bench_app.build(Path(tmp)))
        for r in range(args.rounds):
            print(f"round {r + 1} of {args.rounds}", flush=True)
            session, wrong, load = one_round(pristine, Path(tmp) / f"round{r}", args.profile, server_env)
            for a in session.actions:
                a["round"] = r + 1
            actions += session.actions
            problems += [f"round {r + 1}: {p}" for p in wrong]
            loads.append(load)
            notes += session.notes
            decisions = len(session.expected)
        result = summary(actions)
        if args.profile:
            result["hotspots"] = {}
            for kind in result["by_kind"]:
                group = [a for a in actions if a["kind"] == kind]
                result["hotspots"][kind] = hotspots([f for a in group for f in a.pop("profiles", [])], len(group))
    # Contended: other processes kept more than a tenth of the machine busy during a round.
    contended = any(load["others_cpu_share"] > 0.1 for load in loads)
    misses = [a for a in actions if a["ms"] > TARGET_MAX_MS]
    result.update({
        "segments": args.segments, "candidates": bench_app.CANDIDATES, "rounds": args.rounds,
        "by_round": [{"median_ms": median([a["ms"] for a in actions if a["round"] == r + 1]),
                      "max_ms": max(a["ms"] for a in actions if a["round"] == r + 1)} for r in range(args.rounds)],
        "decisions_per_round": decisions, "actions_per_round": len(actions) // args.rounds,
        "targets": {"median_ms": TARGET_MEDIAN_MS, "max_ms": TARGET_MAX_MS,
                    "median_met": result["overall"]["median_ms"] < TARGET_MEDIAN_MS,
                    "max_met": not misses,
                    "median_met_from_press": result["overall"]["from_press_median_ms"] < TARGET_MEDIAN_MS,
                    "max_met_from_press": result["overall"]["from_press_max_ms"] <= TARGET_MAX_MS},
        "over_2s": [f"{a['kind']}: {a['what']} ({a['ms']} ms)" for a in misses],
        "kinds_median_over_500ms": [k for k, v in result["by_kind"].items() if v["median_ms"] >= TARGET_MEDIAN_MS],
        "log_check": problems or "every decision recorded once, on its intended item, in order",
        "load_average": loads, "contended": contended, "notes": notes, "server_env": server_env,
        "seconds": round(time.perf_counter() - began), "actions": actions,
    })
    print(f"\n{'kind':30} {'n':>3} {'median':>7} {'max':>7} {'press':>7} {'script':>7} {'runs':>4} "
          f"{'before':>7} {'between':>7} {'after':>7} {'gc':>7} {'drawing':>7} {'kB':>6}")
    rows = [*result["by_kind"].items(), ("overall", result["overall"])]
    for kind, v in rows:
        cells = [v[k] for k in ("median_ms", "max_ms", "from_press_median_ms", "script_median_ms", "script_runs",
                                "before_first_run_median_ms", "between_runs_median_ms",
                                "after_last_run_median_ms", "full_gc_median_ms", "browser_busy_median_ms",
                                "kb_median")]
        print(f"{kind:30} {v['count']:3} " + " ".join(f"{c or 0:7.0f}" if i != 4 else f"{c or 0:4.0f}"
                                                     for i, c in enumerate(cells)))
    t = result["targets"]
    print(f"targets: median < {TARGET_MEDIAN_MS} ms {'met' if t['median_met'] else 'MISSED'}; "
          f"none over {TARGET_MAX_MS} ms {'met' if t['max_met'] else 'MISSED'} "
          f"(from the press, in the page: {'met' if t['median_met_from_press'] else 'MISSED'}, "
          f"{'met' if t['max_met_from_press'] else 'MISSED'})")
    print("each round's median and maximum:", result["by_round"])
    for line in result["over_2s"]:
        print("  over 2 s:", line)
    if result["kinds_median_over_500ms"]:
        print("  kinds with a median over 500 ms:", ", ".join(result["kinds_median_over_500ms"]))
    for kind, spots in result.get("hotspots", {}).items():
        print(f"\n{kind}: ms per action")
        for heading, lines in spots.items():
            print(f"  {heading}:", "; ".join(f"{n} {ms}" for n, ms in lines))
    print("each round: load average (1 min) before and after, and the share of the machine's CPU other "
          "processes used during it:", loads, "CONTENDED" if contended else "uncontended")
    print("log check:", result["log_check"])
    name = "browser_session_profile" if args.profile else "browser_session_experiment" if server_env \
        else "browser_session"
    if args.segments == FULL_SIZE:
        print("saved", save(name, result))
    else:
        print(f"a trial on {args.segments:,} segments: not saved")
    if problems:
        sys.exit("the decision log does not hold the decisions made: " + "; ".join(problems))


if __name__ == "__main__":
    main()
