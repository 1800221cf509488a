"""What a parse found, per transcript, for the researcher to check before (and after) importing.

A transcript read with the wrong speaker turns misleads everything after it: discovery
leaves interviewer turns out, prevalence counts participants, quotes are attributed. The
parse cannot be certain (is ``Sarah:`` inside a turn a speaker, or speech?), so instead
of guessing quietly it reports what it read: each speaker's turns and share of the
words, who counts as interviewer, how much text went to the preamble, and warnings a
careful researcher would want to see.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.core.participants import Participant
from workbench.core.segments import Transcript, TranscriptDraft
from workbench.core.speaker_labels import Written

__all__ = ["LAYOUT_WORDS", "SpeakerShare", "TranscriptCheck", "check_transcript", "describe_checks", "sidecar_warnings"]

_DOMINANT = 0.9  # one speaker holding more of the words than this suggests labels were missed
_ID_LABEL = re.compile(r"(?<![\w(])([A-Z]{1,4}\d{1,4}[a-z]?(?:\s*\([^():\n]{1,60}\))?):\s")


@dataclass(frozen=True)
class SpeakerShare(Written):
    """One speaker in one transcript: how many turns and how much of the words are theirs."""

    speaker: str
    description: str | None
    participant: str | None
    interviewer: bool
    turns: int
    words: int
    share: float


@dataclass(frozen=True)
class TranscriptCheck:
    """One transcript's parse as a researcher checks it."""

    id: str
    source: str
    format: str
    layout: str
    turns: int
    segments: int
    preamble_words: int
    speakers: tuple[SpeakerShare, ...]
    preamble: str = ""  # shown, so the researcher sees what is left out of the analysis
    warnings: tuple[str, ...] = field(default=())


def _words(text: str) -> int:
    return len(text.split())


def _inside(labels: Iterable[str], turns: dict[int, str], lines: dict[int, int]) -> list[str]:
    """Warnings for label-like text found inside turns: ``"P07 (Parent):" appears inside 14 turns``."""
    where: dict[str, list[int]] = defaultdict(list)
    times: Counter[str] = Counter()
    patterns = {label: re.compile(r"(?<![\w(])" + re.escape(label) + r":\s") for label in labels if label}
    for index, text in turns.items():
        found: Counter[str] = Counter({label: len(pattern.findall(text)) for label, pattern in patterns.items()})
        found.update(m.group(1) for m in _ID_LABEL.finditer(text) if m.group(1) not in patterns)
        for label, count in found.items():
            if count:
                where[label].append(index)
                times[label] += count
    warnings = []
    for label, indexes in sorted(where.items(), key=lambda item: (-times[item[0]], item[0])):
        count, turns_in = times[label], len(indexes)
        first = lines.get(indexes[0])
        at = f", first in the turn at line {first}" if first else ""
        warnings.append(f'"{label}:" appears {count} time{"s" if count != 1 else ""} inside {turns_in} '
                        f'turn{"s" if turns_in != 1 else ""}{at}: was it a speaker? If so, start its turn on a '
                        "new paragraph")
    return warnings


def check_transcript(draft: TranscriptDraft, transcript: Transcript, participants: set[str] | None) -> TranscriptCheck:
    """The check report of one transcript, from what its reader drafted and how it was segmented.

    ``participants`` is the set of participant ids the study or its participants file
    knows; None when neither has any, in which case no label is expected to match one.
    """
    per_turn: dict[int, list[str]] = defaultdict(list)
    first_of: dict[int, tuple[str | None, bool, str | None]] = {}
    descriptions: dict[str, Counter[str]] = defaultdict(Counter)
    kept = [t for t in draft.turns if t.text.strip()]
    for segment in transcript.segments:
        per_turn[segment.turn].append(segment.text)
        first_of.setdefault(segment.turn, (segment.speaker, segment.is_interviewer, segment.participant_id))
    lines = {index: turn.line for index, turn in enumerate(kept, start=1)}
    for turn in kept:
        if turn.speaker and turn.description:
            descriptions[turn.speaker][turn.description] += 1
    turns_of: Counter[str] = Counter()
    words_of: Counter[str] = Counter()
    about: dict[str, tuple[bool, str | None]] = {}
    for index, texts in per_turn.items():
        speaker, interviewer, participant = first_of[index]
        name = speaker or "(no speaker)"
        turns_of[name] += 1
        words_of[name] += sum(_words(t) for t in texts)
        about.setdefault(name, (interviewer, participant))
    total = sum(words_of.values()) or 1
    speakers = tuple(
        SpeakerShare(
            speaker=name,
            description=descriptions[name].most_common(1)[0][0] if descriptions.get(name) else None,
            participant=about[name][1],
            interviewer=about[name][0],
            turns=turns_of[name],
            words=words_of[name],
            share=words_of[name] / total,
        )
        for name in sorted(turns_of, key=lambda n: (-words_of[n], n))
    )
    warnings: list[str] = list(draft.notes)
    written = {s.written for s in speakers} | {s.speaker for s in speakers}
    texts = {index: " ".join(parts) for index, parts in per_turn.items()}
    warnings += _inside(written, texts, lines)
    for line, label in draft.unsure:
        if f'"{label}:"' not in " ".join(warnings):
            warnings.append(f'line {line}: "{label}:" opens a line inside a turn and was read as speech: '
                            "was it a speaker? If so, start its turn on a new paragraph")
    if len(per_turn) >= 3 and total >= 50:
        top = speakers[0]
        if top.share > _DOMINANT:
            warnings.append(f'"{top.written}" holds {top.share:.0%} of the words: were other speakers\' labels '
                            "missed? Check that every turn starts with its speaker")
    unlabelled = turns_of.get("Unknown", 0) if draft.layout == "subtitles" else 0
    if unlabelled:
        warnings.append(f"{unlabelled} turn{'s' if unlabelled != 1 else ''} have no speaker label (speaker "
                        "'Unknown'): export the subtitles with speaker names if the tool can")
    preamble_words = _words(draft.preamble)
    if speakers and all(s.interviewer for s in speakers):
        warnings.append("every speaker counts as an interviewer by their label, so discovery will see none of this "
                        "transcript: if one of them is a participant, give them a participant's label (P01, say)")
    if participants is not None:
        strangers = [s.written for s in speakers if not s.interviewer and s.participant
                     and s.participant not in participants]
        if strangers:
            many = len(strangers) != 1
            warnings.append(f"{len(strangers)} speaker label{'s match' if many else ' matches'} no "
                            f"participant: {', '.join(strangers)} (their site and role will be unknown; add them "
                            "to the participants file, or correct the labels)")
    return TranscriptCheck(
        id=transcript.id, source=transcript.source, format=transcript.format, layout=draft.layout,
        turns=len(per_turn), segments=len(transcript.segments), preamble_words=preamble_words,
        speakers=speakers, preamble=draft.preamble, warnings=tuple(warnings),
    )


def sidecar_warnings(sidecar: Iterable[Participant], checks: Iterable[TranscriptCheck]) -> list[str]:
    """Participants the participants file lists who have no turn in the files checked."""
    speaking = {s.participant for c in checks for s in c.speakers if s.participant and not s.interviewer}
    silent = sorted(p.id for p in sidecar if p.id not in speaking)
    if not silent:
        return []
    return [f"the participants file lists {len(silent)} participant{'s' if len(silent) != 1 else ''} with no turn "
            f"in these files: {', '.join(silent)} (is a label spelled differently in the transcript?)"]


LAYOUT_WORDS = {
    "timestamped": "turns marked by timestamped labels",
    "label-line": "speaker on its own line above the words",
    "line": "one turn per line",
    "paragraph": "one turn per paragraph",
    "subtitles": "subtitle cues",
    "table": "one row per segment",
}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def describe_checks(checks: Iterable[TranscriptCheck], extra: Iterable[str] = ()) -> list[str]:
    """The check report as plain lines, the same on the command line and on the Study page."""
    out: list[str] = []
    for check in checks:
        layout = LAYOUT_WORDS.get(check.layout, check.layout)
        preamble = f"; preamble {check.preamble_words} words" if check.preamble_words else ""
        out.append(f"{check.id} ({check.source}; {layout}): {_count(check.turns, 'turn')}, "
                   f"{_count(len(check.speakers), 'speaker')}, {_count(check.segments, 'segment')}{preamble}")
        width = max((len(s.written) for s in check.speakers), default=7)
        for s in check.speakers:
            who = " interviewer" if s.interviewer else (f" participant {s.participant}" if s.participant else "")
            turns = "turn " if s.turns == 1 else "turns"
            out.append(f"  {s.written:<{width}}  {s.turns:>4} {turns}  {s.words:>6} words  {s.share:>4.0%}{who}")
        out.extend(f"  warning: {w}" for w in check.warnings)
    out.extend(f"warning: {w}" for w in extra)
    return out
