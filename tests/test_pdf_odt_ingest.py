"""PDF and OpenDocument transcripts through the whole import: turns, offsets, the report, refusals."""

from __future__ import annotations

import zlib
from pathlib import Path

from typer.testing import CliRunner

from workbench.cli.main import app
from workbench.io.ingest import parse_files
from workbench.study import Study

from .conftest import write
from .test_read_pdf_odt import TURNS, _draw_transcript, _encrypted, _odt, _one_page_pdf


def test_a_transcription_services_pdf_imports_as_its_turns(tmp_path: Path, counter):
    path = tmp_path / "interview-04.pdf"
    path.write_bytes(_draw_transcript(TURNS, break_at=(7, 4)))
    parsed = parse_files([path], counter)
    (transcript,), (check,) = parsed.transcripts, parsed.checks
    by_turn: dict[int, list[str]] = {}
    for segment in transcript.segments:
        assert transcript.text[segment.start:segment.end] == segment.text
        by_turn.setdefault(segment.turn, []).append(segment.text)
    want = [" ".join(" ".join(lines).replace("safe- guarding", "safeguarding").split()) for _, lines in TURNS]
    assert [" ".join(parts) for parts in by_turn.values()] == want
    assert [s.speaker for s in transcript.segments if s.part == 1] == [label.rstrip(":") for label, _ in TURNS]
    assert "Page 1 of 2" not in transcript.text and "Ref. INT-04" not in transcript.text
    assert check.preamble == "Interview 4: Family support workers" and check.warnings == ()


def test_an_odt_with_tracked_changes_imports_as_it_stands_and_says_so(tmp_path: Path, counter):
    body = ('<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info/>'
            '<text:p>hit me</text:p></text:deletion></text:changed-region>'
            '<text:changed-region text:id="c2"><text:insertion><office:change-info/></text:insertion>'
            '</text:changed-region></text:tracked-changes>'
            '<text:p>Interviewer: What happened?</text:p>'
            '<text:p>P02 (Parent): He <text:change text:change-id="c1"/><text:change-start text:change-id="c2"/>'
            'locked me in the room and<text:change-end text:change-id="c2"/> left.</text:p>')
    path = tmp_path / "p02.odt"
    path.write_bytes(_odt(body))
    parsed = parse_files([path], counter)
    (transcript,), (check,) = parsed.transcripts, parsed.checks
    assert [s.text for s in transcript.segments] == ["What happened?", "He locked me in the room and left."]
    assert "hit me" not in transcript.text
    assert any("tracked changes nobody accepted" in w for w in check.warnings)


def test_bad_pdfs_and_odts_are_one_line_and_import_nothing(tmp_path: Path):
    runner = CliRunner()
    study = tmp_path / "s"
    Study.init(study).close()
    good = write(tmp_path / "good.txt", "Interviewer: Hi.\nP01: Hello.\n")
    packer = zlib.compressobj(9)
    packed = b"".join(packer.compress(b"0 0 m " * (1 << 17)) for _ in range(160)) + packer.flush()
    bombs = {
        "bomb.pdf": _one_page_pdf(packed, extra=b"/Filter /FlateDecode"),
        "fake.pdf": b"%PDF-1.7\nnot really a pdf at all",
        "image.pdf": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "locked.pdf": _encrypted("secret"),
        "bomb.odt": _odt("<text:p>" + " " * (40 * 1024 * 1024) + "</text:p>"),
    }
    for name, data in bombs.items():
        (tmp_path / name).write_bytes(data)
        result = runner.invoke(app, ["ingest", str(good), str(tmp_path / name), "--study", str(study)])
        assert result.exit_code != 0, name
        message = result.stderr.strip()
        assert message.startswith(f"error: {tmp_path / name}") and "\n" not in message, message
        assert "Traceback" not in result.output
        assert Study.open(study).overview().transcripts == 0, f"{name}: nothing is imported"
