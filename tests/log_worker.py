"""A researcher process for the concurrency and crash tests (run as a script, not collected).

    python tests/log_worker.py decide STUDY WORKER COUNT GO_FILE   250 decisions, prints their seqs
    python tests/log_worker.py memos STUDY                         appends memos until killed
"""

from __future__ import annotations

import json
import os
import sys
import time

from workbench.study import Study


def seg(worker: int, step: int) -> str:
    return f"c{worker}_{step:03d}"


def decide(location: str, worker: int, count: int, go_file: str) -> None:
    study = Study.open(location)
    while not os.path.exists(go_file):  # start together, to collide as much as possible
        time.sleep(0.005)
    me, own_theme, seqs = f"r{worker}", f"T-{worker + 2:03d}", []
    for step in range(count):
        match step % 5:
            case 0:
                event = study.assign([seg(worker, step)], "T-001", by=me)
            case 1:
                event = study.memo(f"worker {worker} step {step}", theme="T-001", by=me)
            case 2:
                event = study.vote("concurrency", "T-001", ("accept", "reject", "revise")[step % 3], by=me)
            case 3 if (step - 3) % 10 == 0:
                event = study.unassign([seg(worker, step - 3)], "T-001", by=me, why="second thoughts")
            case 3:
                event = study.memo(f"worker {worker} kept {step - 3}", by=me)
            case _:
                event = study.rename(own_theme, f"Worker {worker} theme v{step}", by=me)
        seqs.append(event.seq)
    print(json.dumps(seqs))


def memos(location: str) -> None:
    study = Study.open(location)
    step = 0
    while True:
        study.memo(f"memo {step} " + "x" * (step % 500), by="crash")
        if step == 0:
            print("appending", flush=True)
        step += 1


if __name__ == "__main__":
    if sys.argv[1] == "decide":
        decide(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        memos(sys.argv[2])
