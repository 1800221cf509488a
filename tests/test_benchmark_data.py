"""The real dialogue benchmark set (benchmarks/data/real_dialogue) and its loader.

Discovery is judged on these transcripts, so a broken file would quietly corrupt every figure
measured on it: each answer must keep its topic, its place in the transcript and the question
it answers.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SET = "annomi"


def _common() -> ModuleType:
    """benchmarks/common.py, loaded by path: benchmarks is a folder of scripts, not a package."""
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "benchmarks" / "common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


COMMON = _common()
CSV_PATH = COMMON.DIALOGUE / f"{SET}.csv"


@pytest.fixture(scope="module")
def dialogue():
    data = COMMON.load_dialogue(SET)
    if data is None:
        pytest.skip(f"{CSV_PATH} is absent")
    return data


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    if not CSV_PATH.is_file():
        pytest.skip(f"{CSV_PATH} is absent")
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_participant_turn_has_a_label(dialogue) -> None:
    n = len(dialogue.ids)
    assert n > 0
    assert len(dialogue.texts) == len(dialogue.labels) == len(dialogue.transcripts) == len(dialogue.questions) == n
    assert all(label.strip() == label and label for label in dialogue.labels)
    assert len(set(dialogue.labels)) >= 8


def test_turns_are_in_order_and_transcripts_whole(rows) -> None:
    assert list(rows[0]) == ["id", "transcript", "turn", "speaker_role", "text", "label"]
    assert {r["speaker_role"] for r in rows} == {"interviewer", "participant"}
    seen: set[str] = set()
    previous: dict[str, str] | None = None
    for row in rows:
        if previous is None or row["transcript"] != previous["transcript"]:
            assert row["transcript"] not in seen, f"{row['transcript']} is split"
            seen.add(row["transcript"])
            assert row["turn"] == "0"
        else:
            assert int(row["turn"]) == int(previous["turn"]) + 1
            assert row["label"] == previous["label"]  # one topic a transcript
        previous = row


def test_question_before_is_paired_right(dialogue, rows) -> None:
    index = dialogue.ids.index("annomi-0-11")
    assert dialogue.texts[index].startswith("Well, I usually drink when I'm at home trying to unwind")
    assert dialogue.questions[index] == "Uh, what else can you tell me about your drinking."
    assert dialogue.transcripts[index] == "annomi-0"
    assert dialogue.labels[index] == "reducing alcohol consumption"
    # The client speaks first in transcript 3: nothing was asked before that turn.
    assert dialogue.questions[dialogue.ids.index("annomi-3-0")] == ""
    # Everywhere: the question is the turn just before, when that turn is the interviewer's.
    before = {row["id"]: prev for prev, row in zip([None, *rows], rows, strict=False)}
    for turn_id, transcript, question in zip(dialogue.ids, dialogue.transcripts, dialogue.questions, strict=True):
        prev = before[turn_id]
        asked = prev is not None and prev["speaker_role"] == "interviewer" and prev["transcript"] == transcript
        assert question == (prev["text"] if asked else "")


def test_ids_are_unique(dialogue, rows) -> None:
    assert len(set(dialogue.ids)) == len(dialogue.ids)
    assert len({r["id"] for r in rows}) == len(rows)


def test_an_absent_set_is_none() -> None:
    assert COMMON.load_dialogue("no_such_set") is None
