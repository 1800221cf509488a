"""WebVTT and SRT files to de-identify: each cue's words, and each voice tag's speaker, mapped back to the file.

A cue's words are read as the importer reads them (tags left out, character references decoded), and each
character remembers where in the file it came from, so a copy changes only the characters replaced and
keeps every timing line, cue number and header byte for byte.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from workbench.privacy.pseudonym_source import _RawText, _Unit
from workbench.privacy.pseudonym_speakers import _LINE_BREAK, _voice_speaker

_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


def _decoded(raw: str, base: int) -> tuple[str, list[tuple[int, int]]]:
    """``raw`` with character references decoded, and where in the file each character came from."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for m in _ENTITY.finditer(raw):
        value = html.unescape(m[0])
        if value == m[0]:
            continue
        for i in range(at, m.start()):
            text.append(raw[i])
            spans.append((base + i, base + i + 1))
        text.append(value)
        spans.extend([(base + m.start(), base + m.end())] * len(value))
        at = m.end()
    for i in range(at, len(raw)):
        text.append(raw[i])
        spans.append((base + i, base + i + 1))
    return "".join(text), spans


class _Subtitles(_RawText):
    """WebVTT or SRT: the words of each cue (tags left out, entities decoded) and each voice tag's name.

    Timing lines, cue numbers and identifiers, the header and NOTE/STYLE/REGION blocks are not read, as the
    importer does not read them; the copy keeps them byte for byte. Voice names are identifiers (Teams
    writes display names, often full names) unless they are a role label (Interviewer, P03, Speaker 1) or
    already a placeholder, so each distinct one is a finding of type ``person``.
    """

    def __init__(self, path: Path, data: bytes, encoding: str | None, fmt: str) -> None:
        super().__init__(path, data, encoding)
        from workbench.io.cues import _HEADER, _NUMBER, _SKIPPED_BLOCK, _TIMING, read_cues

        read_cues(self.text, str(path), fmt)  # refuses what the importer refuses, naming the line
        self.fmt = fmt
        lines = []  # (start offset, text) of each line
        at = 0
        for m in [*_LINE_BREAK.finditer(self.text), None]:
            end = m.start() if m else len(self.text)
            lines.append((at, self.text[at:end]))
            at = m.end() if m else at
        first = next((i for i, (_, line) in enumerate(lines) if line.strip()), len(lines))
        dialect = fmt
        if first < len(lines) and _HEADER.match(lines[first][1].lstrip("\ufeff").rstrip()):
            dialect = "vtt"
            first += 1
            while first < len(lines) and lines[first][1].strip() and "-->" not in lines[first][1]:
                first += 1
        elif fmt == "vtt":
            dialect = "srt"  # read_cues accepted it, so it is an SRT file saved as .vtt
        blocks: list[list[int]] = []
        for i in range(first, len(lines)):
            if lines[i][1].strip():
                if not blocks or not lines[i - 1][1].strip() or i == first:
                    blocks.append([])
                blocks[-1].append(i)
        payload: list[tuple[int, int]] = []  # (line index, cue number)
        cue = 0
        for block in blocks:
            arrows = [k for k, i in enumerate(block) if "-->" in lines[i][1] and _TIMING.match(lines[i][1])]
            if not arrows:
                if not (dialect == "vtt" and _SKIPPED_BLOCK.match(lines[block[0]][1].rstrip())):
                    payload.extend((i, cue) for i in block)  # words after a blank line inside the cue above
                continue
            head = block[:arrows[0]]
            if head and (dialect == "vtt" or _NUMBER.fullmatch(lines[head[-1]][1])):
                head = head[:-1]
            payload.extend((i, cue) for i in head)
            for position, k in enumerate(arrows):
                cue += 1
                end = arrows[position + 1] if position + 1 < len(arrows) else len(block)
                body = block[k + 1:end]
                if position + 1 < len(arrows) and body and _NUMBER.fullmatch(lines[body[-1]][1]):
                    body = body[:-1]
                payload.extend((i, cue) for i in body)
        # Consecutive payload lines of one cue are one unit, so a name broken over two lines is found.
        runs: list[tuple[int, int, int]] = []
        for i, number in payload:
            if runs and runs[-1][2] == number and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i, number)
            else:
                runs.append((i, i, number))
        for low, high, number in runs:
            start = lines[low][0]
            raw = self.text[start:lines[high][0] + len(lines[high][1])]
            self._add(raw, start, number)

    def _add(self, raw: str, base: int, cue: int) -> None:
        from workbench.io.cues import _TAGS, _VOICE

        text: list[str] = []
        spans: list[tuple[int, int]] = []
        at = 0
        for tag in _TAGS.finditer(raw):
            piece, where = _decoded(raw[at:tag.start()], base + at)
            text.append(piece)
            spans.extend(where)
            at = tag.end()
        piece, where = _decoded(raw[at:], base + at)
        text.append(piece)
        spans.extend(where)
        for voice in _VOICE.finditer(raw):  # before the words: a voice tag names its speaker first
            if voice["name"] is None:
                continue
            name = voice["name"]
            lead = len(name) - len(name.lstrip())
            stripped = name.strip()
            if stripped:
                value, where = _decoded(stripped, base + voice.start("name") + lead)
                self.units.append(_Unit(f"voice tag, cue {cue}", value, kind="voice", raw=where, cue=cue))
        joined = "".join(text)
        if joined.strip():
            self.units.append(_Unit(f"cue {cue}", joined, raw=spans, cue=cue))

    def escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def where(self, unit: int, start: int) -> str:
        found = self.units[unit]
        line, column = self.line_column(found.raw[start][0] if found.raw else start)
        return f"cue {found.cue}, line {line}, column {column}"

    def locate(self, where: str) -> tuple[int, int] | None:
        m = re.match(r"^cue (\d+), line (\d+), column (\d+)$", where.strip())
        offset = self.offset_of(int(m[2]), int(m[3])) if m else None
        if offset is None:
            return None
        for index, unit in enumerate(self.units):
            if unit.kind == "text" and unit.cue == int(m[1]) and unit.raw:
                for i, (raw_start, _) in enumerate(unit.raw):
                    if raw_start == offset and (i == 0 or unit.raw[i - 1][0] != offset):
                        return index, i
                if unit.raw[-1][1] == offset:
                    return index, len(unit.text)
        return None

    def spans(self, where: str, text: str) -> list[tuple[int, int, int]] | None:
        if where.startswith("voice tag"):
            found = [(i, 0, len(text)) for i, u in enumerate(self.units)
                     if u.kind == "voice" and _voice_speaker(u.text) == text]
            return found or None
        return super().spans(where, text)

    def copy_texts(self, data: bytes) -> list[tuple[str, str]]:
        return [("", html.unescape(text)) for _, text in super().copy_texts(data)]
