"""No cell of any spreadsheet the workbench writes can run as a formula (issue 25).

A study whose ids, names, texts, definitions, memos, researchers and reasons all begin
with a formula character is exported through every command that writes CSV or XLSX
(found in the command line itself: every ``--out`` and every ``--format csv``) and every
download of the Export page, and every cell of every file is checked.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

from workbench.core.spreadsheet import csv_text, looks_like_formula, safe_cell, unsafe_cell
from workbench.errors import WorkbenchError
from workbench.study import Study

from .conftest import TOPICS, write

STARTS = ["=", "+", "-", "@", " =", "\t", "\r"]
# Commands whose --out is not a spreadsheet whatever its name (the logic model is YAML).
NOT_SPREADSHEETS = {"model export"}
# What a command needs besides --study (its positional arguments); a new one fails test_every_command_is_run.
EXTRA = {"propose-split": ["T-001"], "pseudonymise": ["{transcript}", "--findings", "{tmp}/findings.csv"],
         "analyse agreement": ["--session", "=session"]}


def hostile(i: int, text: str) -> str:
    return STARTS[i % len(STARTS)] + text


def commands() -> dict[str, click.Command]:
    """Every command, by its words, that can write a spreadsheet: it takes --out or --format."""
    from workbench.cli.main import app

    found: dict[str, click.Command] = {}

    def walk(command: click.Command, words: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])
        opts = {o for p in command.params for o in getattr(p, "opts", ())}
        if ("--out" in opts or "--format" in opts) and " ".join(words) not in NOT_SPREADSHEETS:
            found[" ".join(words)] = command

    walk(typer.main.get_command(app), [])
    return found


def formula_cells(name: str, data: bytes) -> list[str]:
    """Each cell of a CSV or XLSX file that a spreadsheet could run: numbers are numbers, not formulas."""
    bad = []
    if data.startswith(b"PK"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (isinstance(cell.value, str) and looks_like_formula(cell.value)):
                        bad.append(f"{name} {sheet.title}!{cell.coordinate}: {cell.value!r}")
        return bad
    text = data.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") or cell.lstrip()[:1] in ("=", "+", "-", "@"):
                try:
                    float(cell)
                except ValueError:
                    bad.append(f"{name}: {cell!r}")
    return bad


def record(action, *args, **kwargs) -> bool:
    """Record a hostile decision; a value the core refuses (a tab in a name) never reaches a file."""
    try:
        action(*args, **kwargs)
    except WorkbenchError:
        return False
    return True


@pytest.fixture(scope="module")
def hostile_study(tmp_path_factory) -> tuple[Path, Path]:
    from workbench.engine.discover import DiscoveryParams

    folder = tmp_path_factory.mktemp("hostile")
    rows = [["id", "text", "participant", "site"]]
    rows += [[hostile(i, f"a{i:02d}"), hostile(i, f"{TOPICS[i % 3]}, in case {i}."), hostile(i, f"P{i % 9}"),
              hostile(i, f"S{i % 3}")] for i in range(45)]
    table = folder / "=HYPERLINK(x).csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    people = write(folder / "people.csv", "participant_id,site,role\n" + "".join(
        f"\"{hostile(i, f'P{i}')}\",\"@site{i}\",\"-role{i}\"\n" for i in range(9)))
    model = Path(__file__).parent.parent / "models" / "mash-ipe.yaml"
    study = Study.init(folder / "study", by="=setup", logic_model=model)
    study.ingest([table], by="+importer", participants=people)
    study.discover(DiscoveryParams(min_size=5, runs=2, min_similarity=0.5), by="@runner")
    ids = [r.id for r in study.segments()]
    assert any(i.startswith("=") for i in ids), "hostile segment ids reach the study"
    node = study.logic_model().nodes[0].id
    for i, start in enumerate(STARTS):
        record(study.accept, f"C{i:02d}", name=f"{start}Theme {i}", by=f"{start}ana", why=f"{start}why")
    record(study.reject, "C09", by="@bob", why="=HYPERLINK(\"http://x\") generic")
    for i, start in enumerate(STARTS):
        record(study.create_theme, f"{start}Created {i}", ids[i::9][:3], definition=f"{start}definition",
               inclusion=f"{start}include", exclusion=f"{start}exclude", by=f"{start}cat", why=f"{start}reason")
    themes = sorted(study.codebook().themes)
    assert len(themes) >= 4, themes
    record(study.define, themes[0], exemplars=[m for m in sorted(study.codebook().themes[themes[0]].members)][:1])
    for i, start in enumerate(STARTS):
        record(study.map_theme, themes[i % len(themes)], node, note=f"{start}note", by=f"{start}dan")
        record(study.memo, f"{start}memo", theme=themes[i % len(themes)], segment=ids[i], by=f"{start}eve",
               why=f"{start}memo reason")
        record(study.vote, f"{start}session", themes[0], "accept", by=f"{start}voter", why=f"{start}vote")
    study.vote("=session", themes[0], "revise", by="+other", why="-disagree")
    record(study.adjudicate, "=session", themes[0], "accept", by="@lead", why="=agreed")
    assert len(study.log().events) > 20
    study.close()
    return folder / "study", table


def test_every_command_is_run():
    for command, found in commands().items():
        needed = [p.name for p in found.params if p.required and not getattr(p, "opts", [""])[0].startswith("-")]
        assert len(needed) <= len([a for a in EXTRA.get(command, []) if not a.startswith("-")]), \
            f"give {command}'s arguments {needed} in EXTRA"


@pytest.mark.parametrize("command", sorted(commands()))
def test_no_cell_of_a_command_line_spreadsheet_can_run(hostile_study, tmp_path, command):
    from workbench.cli.main import app

    study, table = hostile_study
    found = commands()[command]
    opts = {o for p in found.params for o in getattr(p, "opts", ())}
    args = [a.format(transcript=table, tmp=tmp_path) for a in EXTRA.get(command, [])]
    where = ["--study", str(study)] if "--study" in opts else []
    runner = CliRunner()
    files: dict[str, bytes] = {}
    if "--out" in opts:
        for suffix in ("csv", "xlsx"):
            out = tmp_path / (f"copies-{suffix}" if command == "pseudonymise" else f"out.{suffix}")
            result = runner.invoke(app, [*command.split(), *args, *where, "--out", str(out)])
            assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
            files.update({p.name: p.read_bytes() for p in tmp_path.iterdir()
                          if p.is_file() and p.suffix in (".csv", ".xlsx") and p.name not in files})
    if any("--format" in getattr(p, "opts", ()) and "csv" in (p.help or "") for p in found.params) \
            and command not in ("export codebook", "export log"):
        result = runner.invoke(app, [*command.split(), *args, *where, "--format", "csv"])
        if "unknown format 'csv'" not in result.output:  # 'info' offers table or json only
            assert result.exit_code == 0, result.output
            files[f"{command} --format csv"] = result.stdout.encode("utf-8")
    assert files or command == "info", f"{command} wrote no spreadsheet"
    bad = [cell for name, data in files.items() for cell in formula_cells(name, data)]
    assert not bad, bad


def test_no_cell_of_an_export_page_spreadsheet_can_run(hostile_study, monkeypatch):
    from workbench.pages import common

    from .test_app_pages import ok, page

    study, _ = hostile_study
    makers = []
    real = common.made_at_click
    monkeypatch.setattr(common, "made_at_click", lambda where, make: makers.append(real(where, make)) or makers[-1])
    at = ok(page("export_page", str(study)))
    buttons = at.get("download_button")
    assert len(buttons) == len(makers) >= 9
    checked = 0
    for button, make in zip(buttons, makers, strict=True):
        data = make()
        data = data.encode("utf-8") if isinstance(data, str) else data
        is_xlsx = data.startswith(b"PK") and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        if is_xlsx or "CSV" in button.proto.label:
            checked += 1
            assert not formula_cells(button.proto.label, data)
    assert checked >= 4, "the codebook, assignments and log as CSV, the codebook as XLSX"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-x", "@SUM(A1)", "\t=1", "\r=1", " =1", "\u00a0=1", "=a; b", "-a\rb"])
def test_one_function_neutralises_every_cell(cell):
    text = csv_text([[cell, -3, "plain"]])
    row = next(csv.reader(io.StringIO(text, newline="")))
    assert row == ["'" + cell, "-3", "plain"], "the whole cell is neutralised; numbers stay numbers"
    assert not formula_cells("x", text.encode())
    assert unsafe_cell(str(safe_cell(cell))) == cell, "what a researcher reads back is what was written"
