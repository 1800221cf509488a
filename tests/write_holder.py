"""A second researcher's process for the write-queue tests (run as a script, not collected).

    python tests/write_holder.py hold STUDY RELEASE_FILE   holds the study's write lock until RELEASE_FILE exists
    python tests/write_holder.py memo STUDY CLIENT_ID      records a memo under CLIENT_ID, then waits to be killed
"""

from __future__ import annotations

import os
import sys
import time

from workbench.store.database import Store
from workbench.study import Study


def hold(location: str, release: str) -> None:
    store = Store.open(location)
    with store.write("holder-ana", "a codebook import"):
        print("holding", flush=True)
        while not os.path.exists(release):
            time.sleep(0.02)
    store.dispose()


def memo(location: str, client_id: str) -> None:
    study = Study.open(location)
    with study.once(client_id):
        event = study.memo("recorded before the kill", by="killed")
    print(f"committed #{event.seq}", flush=True)
    time.sleep(600)  # killed here: after the commit, before any reply reached the researcher


if __name__ == "__main__":
    {"hold": hold, "memo": memo}[sys.argv[1]](sys.argv[2], sys.argv[3])
