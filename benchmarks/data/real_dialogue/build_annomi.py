"""Build annomi.csv from AnnoMI's transcript file: whole transcripts, the texts exactly as published.

    python benchmarks/data/real_dialogue/build_annomi.py SOURCE [--chars N] [--out PATH]

SOURCE is either AnnoMI's CSV (``dataset.csv``, the columns of ``AnnoMI-simple.csv``) or a folder of
pages named ``p<offset>.txt`` that, put together in offset order, are that file's first characters
(how the stored copy was read: 16,000 characters a page). ``--chars N`` keeps only the first N
characters of the file and treats the text as a prefix, so the committed subset can be rebuilt from
the upstream file with ``--chars 240000``. A prefix usually ends inside a transcript, so the last
transcript it reaches is dropped: only transcripts that a later transcript's row closes are kept.

Nothing is rewritten: each utterance's text is copied as read; the topic loses only its surrounding
spaces (upstream writes "smoking cessation " with a trailing one); therapist becomes ``interviewer``
and client ``participant``, the roles the benchmark loader reads.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROLES = {"therapist": "interviewer", "client": "participant"}
HEADER = ["id", "transcript", "turn", "speaker_role", "text", "label"]


def read_source(source: Path, chars: int | None) -> tuple[str, bool]:
    """The text read and whether it is only a prefix of the upstream file."""
    if source.is_dir():
        pages = sorted(source.glob("p*.txt"), key=lambda p: int(re.sub(r"\D", "", p.stem)))
        text = ""
        for page in pages:
            offset = int(re.sub(r"\D", "", page.stem))
            if offset != len(text):
                raise SystemExit(f"{page.name}: starts at {offset}, but the pages before it end at {len(text)}")
            text += page.read_text(encoding="utf-8")
        prefix = True
    else:
        text = source.read_text(encoding="utf-8")
        prefix = False
    if chars is not None:
        text, prefix = text[:chars], True
    return text, prefix


def transcripts(text: str, prefix: bool) -> list[list[dict[str, str]]]:
    """Runs of rows of one transcript, in file order; the last run is dropped when the text is a prefix.

    Runs rather than a lookup by id: a prefix may end inside the last row, even inside its id, and
    that torn row must fall into the dropped last run, never into an earlier transcript.
    """
    kept: list[list[dict[str, str]]] = []
    for row in csv.DictReader(io.StringIO(text)):
        if kept and kept[-1][0]["transcript_id"] == row["transcript_id"]:
            kept[-1].append(row)
        else:
            kept.append([row])
    if prefix and kept:
        kept.pop()
    ids = [rows[0]["transcript_id"] for rows in kept]
    if len(set(ids)) != len(ids):
        raise SystemExit("a transcript's rows are not together in the file")
    for rows in kept:
        rows.sort(key=lambda r: int(r["utterance_id"]))
        turns = [int(r["utterance_id"]) for r in rows]
        if turns != list(range(len(rows))):
            raise SystemExit(f"transcript {rows[0]['transcript_id']}: utterances are not 0..{len(rows) - 1}")
    return kept


def build(source: Path, chars: int | None, out: Path) -> None:
    text, prefix = read_source(source, chars)
    groups = transcripts(text, prefix)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for rows in groups:
            for row in rows:
                tid, turn = row["transcript_id"], row["utterance_id"]
                writer.writerow([f"annomi-{tid}-{turn}", f"annomi-{tid}", turn, ROLES[row["interlocutor"]],
                                 row["utterance_text"], row["topic"].strip()])
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    turns = sum(len(rows) for rows in groups)
    print(f"read {len(text)} characters (sha256 {sha}); wrote {len(groups)} transcripts, {turns} turns to {out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--chars", type=int, default=None)
    parser.add_argument("--out", type=Path, default=HERE / "annomi.csv")
    args = parser.parse_args(argv)
    build(args.source, args.chars, args.out)


if __name__ == "__main__":
    main(sys.argv[1:])
