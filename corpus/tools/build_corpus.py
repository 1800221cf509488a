"""Render the authored sources (corpus/source/*.json) into the sample corpus's files.

The speech in corpus/source/ was written by hand, turn by turn (see BRIEF.md). This script
only lays it out in the file formats researchers actually receive, so the importers meet
every layout they must read: Word documents (paragraphs, and a table), plain text with
``Name:`` prefixes, ``[hh:mm:ss] Name:`` stamps, ``Name (hh:mm:ss)`` label lines and
label-alone blocks with wrapped continuation lines, Teams-style WebVTT with voice tags,
Zoom-style SRT, and a CSV for the focus group. It then imports the result with the
workbench's own importer and writes corpus/answer_key.csv (segment id -> theme), checking
that every rendered turn came back as the turn it was written as.

Run from the repository root: ``python corpus/tools/build_corpus.py``.
"""

from __future__ import annotations

import csv
import json
import sys
import textwrap
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbench.ingest import parse_files  # noqa: E402
from workbench.model_files import token_counter  # noqa: E402

SOURCE = ROOT / "corpus" / "source"
wrap = partial(textwrap.wrap, break_on_hyphens=False, break_long_words=False)
OUT = ROOT / "corpus" / "transcripts"
LAYOUTS = ["docx", "prefix", "vtt", "stamped", "labelline", "srt", "blocks", "docx_table"]


def clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def timed(turns: list[dict]) -> list[tuple[str, dict]]:
    """Plausible start times: about 150 words a minute, a pause between turns."""
    t, out = 4.0, []
    for turn in turns:
        out.append((clock(t), turn))
        t += len(turn["text"].split()) / 2.5 + 1.5
    return out


def render_prefix(turns: list[dict], header: str) -> str:
    lines = [header, ""]
    for turn in turns:
        lines.append(f"{turn['speaker']}: {turn['text']}")
    return "\n".join(lines) + "\n"


def render_stamped(turns: list[dict], header: str) -> str:
    lines = [header, ""]
    for stamp, turn in timed(turns):
        wrapped = wrap(f"[{stamp}] {turn['speaker']}: {turn['text']}", 100)
        lines.extend(wrapped)
    return "\n".join(lines) + "\n"


def render_labelline(turns: list[dict], header: str) -> str:
    lines = [header, ""]
    for stamp, turn in timed(turns):
        lines += [f"{turn['speaker']} ({stamp})", *wrap(turn["text"], 90), ""]
    return "\n".join(lines)


def render_blocks(turns: list[dict], header: str) -> str:
    lines = [header, ""]
    for turn in turns:
        label = "INTERVIEWER" if turn["speaker"] == "Interviewer" else turn["speaker"]
        lines += [label, *wrap(turn["text"], 76), ""]
    return "\n".join(lines)


def cues(text: str, size: int = 14) -> list[str]:
    words = text.split()
    return [" ".join(words[i:i + size]) for i in range(0, len(words), size)]


def render_vtt(turns: list[dict]) -> str:
    out, t, n = ["WEBVTT", ""], 4.0, 1
    for turn in turns:
        for chunk in cues(turn["text"]):
            end = t + len(chunk.split()) / 2.5
            out += [f"{n}", f"{clock(t)}.000 --> {clock(end)}.500", f"<v {turn['speaker']}>{chunk}</v>", ""]
            t, n = end + 0.5, n + 1
    return "\n".join(out)


def render_srt(turns: list[dict]) -> str:
    out, t, n = [], 4.0, 1
    for turn in turns:
        for i, chunk in enumerate(cues(turn["text"], 16)):
            end = t + len(chunk.split()) / 2.5
            text = f"{turn['speaker']}: {chunk}" if i == 0 else chunk
            out += [str(n), f"{clock(t)},000 --> {clock(end)},500", text, ""]
            t, n = end + 0.5, n + 1
    return "\n".join(out)


def render_docx(turns: list[dict], header: str, path: Path, table: bool) -> None:
    import docx

    document = docx.Document()
    document.add_heading(header, level=1)
    document.add_paragraph("Synthetic transcript written for the Theme Workbench sample study. De-identified.")
    if table:
        grid = document.add_table(rows=0, cols=3)
        for stamp, turn in timed(turns):
            cells = grid.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = stamp, turn["speaker"], turn["text"]
    else:
        for turn in turns:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{turn['speaker']}: ").bold = True
            paragraph.add_run(turn["text"])
    document.core_properties.author = "Theme Workbench sample corpus"
    document.core_properties.created = __import__("datetime").datetime(2026, 4, 1)
    document.save(path)


def render(source: dict, layout: str) -> Path:
    tid, turns = source["transcript"], source["turns"]
    header = f"Transcript {tid} - interview, {source.get('date', '2026')} (synthetic, de-identified)"
    ext = {"docx": "docx", "docx_table": "docx", "vtt": "vtt", "srt": "srt"}.get(layout, "txt")
    path = OUT / f"{tid}.{ext}"
    if layout in ("docx", "docx_table"):
        render_docx(turns, header, path, table=layout == "docx_table")
        return path
    text = {
        "prefix": lambda: render_prefix(turns, header),
        "stamped": lambda: render_stamped(turns, header),
        "labelline": lambda: render_labelline(turns, header),
        "blocks": lambda: render_blocks(turns, header),
        "vtt": lambda: render_vtt(turns),
        "srt": lambda: render_srt(turns),
    }[layout]()
    path.write_text(text, encoding="utf-8")
    return path


def render_focus_group(source: dict) -> Path:
    path = OUT / f"{source['transcript']}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "transcript", "participant", "speaker", "session_part"])
        for n, turn in enumerate(source["turns"], start=1):
            moderator = turn["speaker"] == "Facilitator"
            writer.writerow([f"{source['transcript']}-{n:03d}", turn["text"], source["transcript"],
                             "" if moderator else turn["speaker"], turn["speaker"],
                             "opening" if n <= 10 else "discussion"])
    return path


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    sources = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SOURCE.glob("*.json"))]
    themes: dict[tuple[str, int], str] = {}
    paths = []
    interviews = [s for s in sources if not s.get("focus_group")]
    for index, source in enumerate(interviews):
        paths.append(render(source, LAYOUTS[index % len(LAYOUTS)]))
        for n, turn in enumerate(source["turns"], start=1):
            themes[(source["transcript"], n)] = turn["theme"] or "none"
    for source in (s for s in sources if s.get("focus_group")):
        paths.append(render_focus_group(source))
        for n, turn in enumerate(source["turns"], start=1):
            themes[(source["transcript"], n)] = turn["theme"] or "none"

    by_id = {s["transcript"]: s for s in sources}
    parsed = parse_files(paths, token_counter(), participants_file=ROOT / "corpus" / "participants.csv")
    rows = []
    for transcript in parsed.transcripts:
        source_turns = by_id[transcript.id]["turns"]
        turns_seen = {s.turn for s in transcript.segments}
        if len(turns_seen) != len(source_turns):
            raise SystemExit(f"{transcript.id}: {len(turns_seen)} turns read back, {len(source_turns)} written")
        for segment in transcript.segments:
            written = source_turns[segment.turn - 1]
            same_speaker = segment.speaker.casefold() == written["speaker"].casefold()
            if segment.text not in " ".join(written["text"].split()) or not same_speaker:
                raise SystemExit(f"{segment.id}: read back {segment.speaker}: {segment.text[:50]!r}, "
                                 f"written {written['speaker']}: {written['text'][:50]!r}")
            rows.append((segment.id, transcript.id, segment.turn, themes[(transcript.id, segment.turn)]))
    with (ROOT / "corpus" / "answer_key.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["segment_id", "transcript", "turn", "theme"])
        writer.writerows(rows)
    print(f"{len(paths)} files, {len(rows)} segments, "
          f"{sum(1 for r in rows if r[3] != 'none')} with a theme, {len({r[3] for r in rows}) - 1} themes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
