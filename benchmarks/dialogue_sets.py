"""Labelled interview sets with each answer's question: the sample corpus, the second sample, real dialogue.

What ``bench_themes`` reads. Each set is the participant turns of interviews in order, with
the theme each was written or coded to express and the interviewer's turn before it (the
question it answers), so discovery can be run with and without reading answers with their
questions. Sets that are absent are skipped.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass

from common import ROOT

__all__ = ["Dialogue", "answer_key_dialogue", "dialogue_sets", "question_before", "second_sample"]

SECOND_SAMPLE = ROOT / "benchmarks" / "data" / "second_sample"
REAL_DIALOGUE = ROOT / "benchmarks" / "data" / "real_dialogue"
SMALL_TALK = "none"  # the label of small talk and procedure in the sets written for the project


@dataclass
class Dialogue:
    """Participant turns: ids, texts, labels, who said them (and where), and the question before each."""

    ids: list[str]
    texts: list[str]
    labels: list[str]
    people: list[str]
    sites: list[str]
    questions: list[str | None]
    small_talk_label: str | None = SMALL_TALK  # None: the set does not mark small talk


def question_before(turns: list[tuple[bool, str]], within: int = 3) -> list[str | None]:
    """For each turn (is_interviewer, text) in order: the interviewer's turn it answers, or None.

    The nearest interviewer turn before it, if no more than ``within`` turns back: a long
    answer cut into parts, or a focus group's second and third answers, still answer it.
    """
    found: list[str | None] = []
    last: tuple[int, str] | None = None
    for i, (interviewer, text) in enumerate(turns):
        if interviewer:
            last = (i, text)
            found.append(None)
        else:
            found.append(last[1] if last and i - last[0] <= within else None)
    return found


def answer_key_dialogue() -> Dialogue:
    """The sample corpus's participant segments, as ``common.load_answer_key`` gives them, with questions."""
    from workbench.engine.model_files import token_counter
    from workbench.io.ingest import parse_files
    from workbench.io.participants import read_participants
    from workbench.io.readers import ReadLimits

    corpus = ROOT / "corpus"
    parsed = parse_files(sorted((corpus / "transcripts").iterdir()), token_counter(),
                         participants_file=corpus / "participants.csv")
    site = {p.id: p.site or "" for p in read_participants(corpus / "participants.csv", ReadLimits())}
    with (corpus / "answer_key.csv").open(encoding="utf-8") as handle:
        key = {r["segment_id"]: r["theme"] for r in csv.DictReader(handle)}
    out = Dialogue([], [], [], [], [], [])
    for transcript in parsed.transcripts:
        segs = transcript.segments
        asked = question_before([(s.is_interviewer, s.text) for s in segs])
        for s, q in zip(segs, asked, strict=True):
            if s.is_interviewer:
                continue
            out.ids.append(s.id)
            out.texts.append(s.text)
            out.labels.append(key[s.id])
            out.people.append(s.participant_id or "")
            out.sites.append(site.get(s.participant_id or "", ""))
            out.questions.append(q)
    return out


def second_sample() -> Dialogue | None:
    """The second, independently written sample (benchmarks/data/second_sample/*.json)."""
    files = sorted(SECOND_SAMPLE.glob("*.json"))
    if not files:
        return None
    out = Dialogue([], [], [], [], [], [])
    for path in files:
        interview = json.loads(path.read_text(encoding="utf-8"))
        turns = interview["turns"]
        asked = question_before([(t["theme"] == "interviewer", t["text"]) for t in turns])
        for number, (turn, q) in enumerate(zip(turns, asked, strict=True), start=1):
            if turn["theme"] == "interviewer":
                continue
            out.ids.append(f"{interview['id']}-{number:03d}")
            out.texts.append(turn["text"])
            out.labels.append(turn["theme"])
            out.people.append(interview["id"])
            out.sites.append(interview.get("site", ""))
            out.questions.append(q)
    return out


def real_dialogue() -> Dialogue | None:
    """Real public counselling transcripts with topic labels (benchmarks/data/real_dialogue/*.csv)."""
    files = sorted(REAL_DIALOGUE.glob("*.csv"))
    if not files:
        return None
    out = Dialogue([], [], [], [], [], [], small_talk_label=None)
    for path in files:
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        by_transcript: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            by_transcript.setdefault(row["transcript"], []).append(row)
        for transcript, turns in by_transcript.items():
            turns.sort(key=lambda r: int(r["turn"]))
            asked = question_before([(r["speaker_role"] == "interviewer", r["text"]) for r in turns], within=1)
            for row, q in zip(turns, asked, strict=True):
                if row["speaker_role"] == "interviewer":
                    continue
                out.ids.append(row["id"])
                out.texts.append(row["text"])
                out.labels.append(row["label"])
                out.people.append(transcript)
                out.sites.append("")
                out.questions.append(q)
    return out


def dialogue_sets(names: list[str]):
    """Each named set that is present, as (name, Dialogue)."""
    loaders = {"answer_key": answer_key_dialogue, "second_sample": second_sample, "real_dialogue": real_dialogue}
    for name in names:
        found = loaders[name]()
        if found is None:
            print(f"{name}: not found, skipped")
            continue
        yield name, found
