"""Docs that cannot rot: the README names every command, and its examples parse as it says."""

from __future__ import annotations

import re

import typer.main

from workbench.cli.main import app
from workbench.io.ingest import parse_files

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block, in order."""
    blocks, lang, body = [], None, []
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if lang is None:
                lang, body = line.strip()[3:], []
            else:
                blocks.append((lang, "\n".join(body) + "\n"))
                lang = None
        elif lang is not None:
            body.append(line)
    return blocks


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    assert "./run demo" in first_block and "./run test" in first_block
    assert "./run test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    import click

    commands = typer.main.get_command(app).commands
    for name, command in commands.items():
        assert f"workbench {name}" in README, f"README does not document 'workbench {name}'"
        assert command.help, f"'workbench {name}' has no help text"
        if isinstance(command, click.Group):
            for sub, subcommand in command.commands.items():
                assert f"workbench {name} {sub}" in README, f"README does not document 'workbench {name} {sub}'"
                assert subcommand.help, f"'workbench {name} {sub}' has no help text"


def test_readme_transcript_examples_parse_as_described(tmp_path, counter):
    blocks = [body for lang, body in code_blocks(README) if not lang]
    layouts = [b for b in blocks if "P03" in b and not b.startswith(("error", "participant_id"))]
    assert len(layouts) == 5
    for i, block in enumerate(layouts):
        path = tmp_path / f"example{i}.txt"
        path.write_text(block, encoding="utf-8")
        parsed = parse_files([path], counter)
        segments = parsed.transcripts[0].segments
        assert segments[0].is_interviewer and segments[1].speaker == "P03"
        assert parsed.checks[0].warnings == () and not parsed.checks[0].preamble_words
        assert "Mum said: no" not in block or [s.speaker for s in segments] == ["Interviewer", "P03", "Marcus"]
    vtt = next(b for b in blocks if b.startswith("WEBVTT"))
    (tmp_path / "example.vtt").write_text(vtt, encoding="utf-8")
    turns = parse_files([tmp_path / "example.vtt"], counter).transcripts[0].segments
    assert [s.text for s in turns] == ["How did it start?", "The school phoned, and then the police came."]
    table = next(b for b in blocks if b.startswith("id,text"))
    (tmp_path / "example.csv").write_text(table, encoding="utf-8")
    rows = parse_files([tmp_path / "example.csv"], counter).transcripts[0].segments
    assert [(s.id, s.is_interviewer, s.participant_id) for s in rows] == [("FG1-001", True, None),
                                                                          ("FG1-002", False, "F03")]


def test_every_picture_the_readme_shows_is_there():
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert len(pictures) >= 8, "a screenshot of every page"
    missing = [p for p in pictures if not (ROOT / p).is_file()]
    assert not missing, f"README shows pictures that do not exist: {missing}"
