"""Labelled interview sets with each answer's question: the sample corpus, the second sample, real dialogue.

What ``bench_themes`` reads. Each set is the participant turns of interviews in order, with
the theme each was written or coded to express and the question it answers, paired as
discovery pairs them (``core.questions.questions_before``), so discovery can be run with
and without reading answers with their questions. Sets that are absent are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from common import ROOT, dialogue_rows, sample_corpus

from workbench.core.segments import Segment

__all__ = ["Dialogue", "answer_key_dialogue", "dialogue_sets", "real_dialogue", "second_sample"]

SECOND_SAMPLE = ROOT / "benchmarks" / "data" / "second_sample"
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


def _turns(transcript: str, turns: list[tuple[str, bool, str]]) -> list[Segment]:
    """Turns (id, is_interviewer, text) of one transcript, in order, as segments the core reads."""
    return [Segment(i, transcript, None if asks else transcript, None, asks, n, 0, 0, len(text), text)
            for n, (i, asks, text) in enumerate(turns)]


def _answers(segments: list[Segment], label: dict[str, str], site: dict[str, str]) -> Dialogue:
    """The participant segments with their labels, and each one's question as discovery pairs them."""
    from workbench.core.questions import questions_before

    asked = questions_before(segments)
    out = Dialogue([], [], [], [], [], [])
    for s in segments:
        if s.is_interviewer:
            continue
        out.ids.append(s.id)
        out.texts.append(s.text)
        out.labels.append(label[s.id])
        out.people.append(s.participant_id or "")
        out.sites.append(site.get(s.id, ""))
        out.questions.append(asked.get(s.id))
    return out


def answer_key_dialogue() -> Dialogue:
    """The sample corpus's participant segments, as ``common.load_answer_key`` gives them, with questions."""
    parsed, site, key = sample_corpus()
    segments = [s for t in parsed.transcripts for s in t.segments]
    return _answers(segments, key, {s.id: site.get(s.participant_id or "", "") for s in segments})


def second_sample() -> Dialogue | None:
    """The second, independently written sample (benchmarks/data/second_sample/*.json)."""
    files = sorted(SECOND_SAMPLE.glob("*.json"))
    if not files:
        return None
    segments, label, site = [], {}, {}
    for path in files:
        interview = json.loads(path.read_text(encoding="utf-8"))
        ids = [f"{interview['id']}-{n:03d}" for n in range(1, len(interview["turns"]) + 1)]
        segments += _turns(interview["id"], [(i, t["theme"] == "interviewer", t["text"])
                                             for i, t in zip(ids, interview["turns"], strict=True)])
        label.update((i, t["theme"]) for i, t in zip(ids, interview["turns"], strict=True))
        site.update((i, interview.get("site", "")) for i in ids)
    return _answers(segments, label, site)


def real_dialogue() -> Dialogue | None:
    """Real public counselling transcripts with topic labels (benchmarks/data/real_dialogue/annomi.csv)."""
    rows = dialogue_rows("annomi")
    if rows is None:
        return None
    by_transcript: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_transcript.setdefault(row["transcript"], []).append(row)
    segments = []
    for transcript, turns in by_transcript.items():
        turns.sort(key=lambda r: int(r["turn"]))
        segments += _turns(transcript, [(r["id"], r["speaker_role"] == "interviewer", r["text"]) for r in turns])
    found = _answers(segments, {r["id"]: r["label"] for r in rows}, {})
    found.small_talk_label = None
    return found


def dialogue_sets(names: list[str]):
    """Each named set that is present, as (name, Dialogue)."""
    loaders = {"answer_key": answer_key_dialogue, "second_sample": second_sample, "real_dialogue": real_dialogue}
    for name in names:
        found = loaders[name]()
        if found is None:
            print(f"{name}: not found, skipped")
            continue
        yield name, found
