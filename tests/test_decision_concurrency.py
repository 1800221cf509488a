"""Many researchers at once, and processes killed mid-append, on SQLite and PostgreSQL.

- 8 processes make 250 decisions each against one study at the same moment: all 2,000
  are kept, the chain verifies, and the replayed codebook equals the codebook built by
  applying the events one at a time in log order, and the one the workers' actions imply.
- A process appending as fast as it can is killed with SIGKILL at random moments: the
  log never holds a half-written event or a broken chain, and appending carries on.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.core.decisions import Log
from workbench.study import Study

from .conftest import write

WORKER = Path(__file__).with_name("log_worker.py")
WORKERS, DECISIONS = 8, 250


def _seg(worker: int, step: int) -> str:
    return f"c{worker}_{step:03d}"


def test_eight_researchers_at_once_lose_nothing(study_location, tmp_path):
    study = Study.init(study_location, by="setup")
    rows = ["id,text"] + [f"{_seg(w, s)},Segment {w} {s}" for w in range(WORKERS) for s in range(DECISIONS)]
    study.ingest([write(tmp_path / "segments.csv", "\n".join(rows) + "\n")])
    study.create_theme("Shared", by="setup")
    for w in range(WORKERS):
        study.create_theme(f"Worker {w} theme", by="setup")
    setup_events = len(study.events())
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(WORKER), "decide", study_location, str(w), str(DECISIONS), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(WORKERS)]
    time.sleep(1.0)
    go.touch()
    outputs = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    seqs = [json.loads(out) for out, _ in outputs]

    events = study.store.events()
    assert len(events) == setup_events + WORKERS * DECISIONS
    assert sorted(s for ws in seqs for s in ws) == list(range(setup_events + 1, len(events) + 1))
    assert study.verify_log() == []
    one_by_one = Log()
    for event in events:
        one_by_one.append(event)
    replayed = Log.replay(events).codebook
    assert replayed.snapshot() == one_by_one.codebook.snapshot()

    shared = replayed.themes["T-001"]
    expected = {_seg(w, s) for w in range(WORKERS) for s in range(0, DECISIONS, 5) if s % 10 != 0}
    assert shared.members == expected
    for w in range(WORKERS):
        assert replayed.themes[f"T-{w + 2:03d}"].name == f"Worker {w} theme v{DECISIONS - 1}"
        assert replayed.votes[("concurrency", "T-001", f"r{w}")][0] == ("accept", "reject", "revise")[247 % 3]
    assert len(replayed.memos) == WORKERS * (DECISIONS // 5 + DECISIONS // 10)
    assert [e.by for e in events].count("r3") == DECISIONS
    study.close()


@pytest.mark.parametrize("kills", [60])
def test_sigkill_mid_append_never_breaks_the_log(study_location, kills):
    study = Study.init(study_location, by="setup")
    rng = random.Random(7)
    counts = []
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, str(WORKER), "memos", study_location], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "appending", proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        fresh = Study.open(study_location)
        assert fresh.verify_log() == [], f"after kill {len(counts) + 1}"
        counts.append(len(fresh.store.events()))
        fresh.close()
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0
    study.memo("still appending after the kills", by="setup")
    assert study.verify_log() == []
    study.close()
