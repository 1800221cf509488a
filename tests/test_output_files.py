"""No command writes over a study's own files; an existing file is replaced only with --force (issue 25).

Commands with ``--out`` are found in the command line itself, so a command added later is
checked here without being listed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import click
import pytest
import typer.main

from workbench.errors import WorkbenchError
from workbench.io.export import DB_FILE, check_output
from workbench.study import Study

from .conftest import write
from .test_cli import wb

# What a command needs besides --study and --out (a positional argument): a new --out command that needs
# more fails test_every_out_command_is_known until it is given here.
EXTRA = {"propose-split": ["T-001"], "pseudonymise": ["{transcript}"]}


def out_commands() -> dict[str, click.Command]:
    """Every command, by its words ('export codebook'), that takes ``--out``."""
    from workbench.cli.main import app

    found: dict[str, click.Command] = {}

    def walk(command: click.Command, words: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])
        if any("--out" in getattr(p, "opts", ()) for p in command.params):
            found[" ".join(words)] = command

    walk(typer.main.get_command(app), [])
    return found


OUT_COMMANDS = out_commands()


@pytest.fixture
def decided(tmp_path: Path) -> Path:
    """A study with themes, a memo and a logic model: decisions that an overwrite would lose."""
    model = Path(__file__).parent.parent / "models" / "mash-ipe.yaml"
    study = Study.init(tmp_path / "study", by="ana", logic_model=model)
    study.ingest([write(tmp_path / "t.csv", "id,text,participant\nx1,We trust the police now.,P1\n"
                                            "x2,It took weeks.,P2\n")])
    study.create_theme("Trust", ["x1"], by="ana")
    study.create_theme("Delays", ["x2"], by="bob")
    study.memo("Ask site 2", theme="T-001", by="ana")
    study.close()
    return tmp_path / "study"


def intact(folder: Path, events: int = 4) -> None:
    opened = Study.open(folder)
    try:
        assert len(opened.log().events) == events and not opened.verify_log()
        assert sorted(opened.codebook().themes) == ["T-001", "T-002"]
    finally:
        opened.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(command: str, study: Path, out: Path | str, *extra: str, tmp: Path) -> tuple[int, str]:
    params = {o for p in OUT_COMMANDS[command].params for o in getattr(p, "opts", ())}
    args = [a.format(transcript=tmp / "t.csv") for a in EXTRA.get(command, [])]
    where = ["--study", str(study)] if "--study" in params else []
    result = wb(*command.split(), *args, *where, "--out", str(out), *extra, check=False)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return result.returncode, result.stderr


def test_every_out_command_is_known():
    assert {"export codebook", "export log", "export assignments", "log export", "model export", "propose-split",
            "pseudonymise"} <= set(OUT_COMMANDS)
    for command, found in OUT_COMMANDS.items():
        needed = [p.name for p in found.params if p.required and not getattr(p, "opts", [""])[0].startswith("-")]
        assert len(needed) == len(EXTRA.get(command, [])), f"give {command}'s arguments {needed} in EXTRA"


@pytest.mark.parametrize("command", sorted(OUT_COMMANDS))
def test_no_command_writes_over_the_study_database_even_with_force(decided, tmp_path, command):
    before = digest(decided / DB_FILE)
    code, said = run(command, decided, decided / DB_FILE, "--force", tmp=tmp_path)
    assert code == 1, said
    assert digest(decided / DB_FILE) == before
    intact(decided)


@pytest.mark.parametrize("name", ["study.sqlite", "study.sqlite-wal", "study.sqlite-shm", "study.sqlite-journal",
                                  "study.v3.20250101T000000000000.sqlite.bak", "cache.npy", "new-export.csv"])
def test_nothing_is_written_into_the_study_folder(decided, name):
    existing = {p.name: digest(p) for p in decided.iterdir()}
    with pytest.raises(WorkbenchError, match="study") as refused:
        check_output(decided / name, force=True, study_folder=decided)
    assert "--force" not in str(refused.value) or "even with --force" in str(refused.value)
    assert {p.name: digest(p) for p in decided.iterdir()} == existing


def test_export_codebook_over_the_database_is_refused_by_every_route(decided, tmp_path):
    (decided / "study.v2.20250101T000000000000.sqlite.bak").write_bytes(b"an old backup")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link.csv").symlink_to(decided / DB_FILE)
    (tmp_path / "dangling.csv").symlink_to(decided / "not-yet.csv")
    before = {p.name: digest(p) for p in decided.iterdir()}
    for out in (decided / DB_FILE, tmp_path / "elsewhere" / ".." / "study" / DB_FILE, tmp_path / "link.csv",
                tmp_path / "dangling.csv", decided / "study.v2.20250101T000000000000.sqlite.bak",
                decided / "codebook.csv"):
        for force in ([], ["--force"]):
            code, said = run("export codebook", decided, out, "--format", "csv", *force, tmp=tmp_path)
            assert code == 1 and "study folder" in said, (out, said)
    assert {p.name: digest(p) for p in decided.iterdir()} == before
    assert (tmp_path / "link.csv").resolve() == decided / DB_FILE, "the link is left as it was"
    intact(decided)


def test_an_existing_file_is_replaced_only_with_force(decided, tmp_path):
    target = write(tmp_path / "mine.csv", "keep me\n")
    code, said = run("export codebook", decided, target, tmp=tmp_path)
    assert code == 1 and f"{target} exists: choose another name or add --force to replace it" in said
    assert target.read_text() == "keep me\n"
    code, said = run("export codebook", decided, target, "--force", tmp=tmp_path)
    assert code == 0, said
    assert target.read_text(encoding="utf-8").startswith("id,name,definition")
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".*.partial")), "nothing left beside it"
    link = tmp_path / "to-mine.csv"
    link.symlink_to(target)
    code, said = run("export log", decided, link, "--force", tmp=tmp_path)
    assert code == 0 and link.is_symlink() and target.read_text(encoding="utf-8").startswith("seq,at,by")


def test_a_missing_folder_or_a_folder_is_said_plainly(decided, tmp_path):
    code, said = run("export log", decided, tmp_path / "no-such" / "log.csv", tmp=tmp_path)
    assert code == 1 and "does not exist: create it first" in said
    code, said = run("export log", decided, tmp_path, "--force", tmp=tmp_path)
    assert code == 1 and "is a folder" in said


def test_pseudonymised_copies_are_never_written_into_a_study(decided, tmp_path):
    code, said = run("pseudonymise", decided, decided, "--force", tmp=tmp_path)
    assert code == 1 and "inside the study folder" in said
    assert sorted(p.name for p in decided.iterdir() if not p.name.startswith(DB_FILE)) == []
    intact(decided)


def test_the_export_page_never_writes_into_the_study_folder(decided, monkeypatch):
    from workbench.pages import common

    from .test_app_pages import ok, page

    makers = []
    real = common.made_at_click
    monkeypatch.setattr(common, "made_at_click", lambda where, make: makers.append(real(where, make)) or makers[-1])

    def files() -> set[str]:  # the database's own journal comes and goes with connections: not a file we write
        return {p.name for p in decided.iterdir() if p.name not in (f"{DB_FILE}-wal", f"{DB_FILE}-shm")}

    before = files()
    at = ok(page("export_page", str(decided)))
    assert len(makers) >= 7 and all(make() for make in makers), "every download is made, as a click makes it"
    ok(at.run())
    assert files() == before
    intact(decided)
