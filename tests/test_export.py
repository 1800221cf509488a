"""Exports are written whole and are safe to open in a spreadsheet."""

from __future__ import annotations

import pytest

from workbench.core.runs import AssignmentRecord
from workbench.core.spreadsheet import safe_cell
from workbench.io.export import assignments_csv, write_atomically


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_are_neutralised(start):
    assert safe_cell(f"{start}HYPERLINK(\"http://x\")") == f"'{start}HYPERLINK(\"http://x\")"
    assert safe_cell(-3) == -3 and safe_cell("plain text") == "plain text"


def test_assignments_csv(tmp_path):
    text = assignments_csv([AssignmentRecord("=cmd|' /C calc'!A0", -1, 0.12, 2, 0.12),
                            AssignmentRecord("s2", 0, 0.8765432, 0, 0.8765432)],
                           {"s2": {"T-002", "T-001"}, "held": {"T-003"}, "gone": set()})
    assert text.splitlines() == ["segment_id,candidate,probability,theme", "'=cmd|' /C calc'!A0,-1,0.1200,",
                                 "s2,0,0.8765,T-001;T-002", "held,,,T-003"]
    out = tmp_path / "a.csv"
    write_atomically(out, text)
    assert out.read_text(encoding="utf-8") == text and not (tmp_path / "a.csv.partial").exists()
