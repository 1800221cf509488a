"""The facade's own rules: pages go through it, imports read each file once, its one cache drops what went stale."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from workbench.services.cache import StudyCache

from .conftest import ROOT, write

PEOPLE = "participant_id,site,role\nP01,North,Parent\n"


def test_pages_never_reach_into_the_store():
    """The pages ask the facade (``Study.data_version``, ``Study.latest_run_id``), never its store."""
    pages = [*sorted((ROOT / "workbench" / "pages").glob("*.py")), ROOT / "workbench" / "app.py"]
    reaching = [f"{page.relative_to(ROOT)}:{number}: {line.strip()}" for page in pages
                for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
                if re.search(r"\.store\b", line)]
    assert reaching == []


def test_each_import_file_is_read_once_and_recorded_with_the_hash_of_its_bytes(study, tmp_path, monkeypatch):
    transcript = write(tmp_path / "a.txt", "Interviewer: How was it?\nP01: It was slow.\n")
    table = write(tmp_path / "t.csv", "id,text,participant\nr1,Waiting for weeks,P01\nr2,Nobody rang back,P01\n")
    people = write(tmp_path / "p.csv", PEOPLE)
    reads: list[str] = []
    read_bytes = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads.append(str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    report = study.ingest([transcript, table], by="ana", participants=people)
    assert sorted(reads) == sorted(str(p) for p in (transcript, table, people))
    assert report.added == ["a", "t"] and report.participants_added == 1
    recorded = {r["source"]: r["source_sha256"] for r in study.store.imports()}
    assert recorded == {str(p): hashlib.sha256(read_bytes(p)).hexdigest() for p in (transcript, table, people)}


def test_the_data_version_moves_with_an_import_and_drops_what_was_computed(study, tmp_path):
    before = study.data_version()
    assert study.rows() == [] and study.overview().segments == 0
    study.ingest([write(tmp_path / "t.csv", "id,text,participant\nr1,Waiting for weeks,P01\n")], by="ana")
    assert study.data_version() != before
    assert [r.id for r in study.rows()] == ["r1"] and study.overview().segments == 1
    assert study.speaking() == {"P01": {"t"}}


def test_the_cache_holds_a_value_while_its_version_and_key_stand():
    version = [(1, 0)]
    made: list[str] = []
    cache = StudyCache(lambda: version[0])

    def make(what: str) -> str:
        made.append(what)
        return what

    assert cache.data("rows", lambda: make("rows")) == "rows"
    assert cache.data("rows", lambda: make("again")) == "rows"
    assert cache.data("quotes", lambda: make("q3"), key=3) == "q3"
    assert cache.data("quotes", lambda: make("q5"), key=5) == "q5", "another key: made again"
    assert cache.data("map", lambda: make(""), keep=bool) == "" and cache.data("map", lambda: make("laid")) == "laid"
    assert cache.lasting("counter", lambda: make("counter")) == "counter"
    version[0] = (2, 0)  # an import: every data value goes, lasting ones stay
    assert cache.data("rows", lambda: make("new rows")) == "new rows"
    assert cache.lasting("counter", lambda: make("other")) == "counter"
    assert made == ["rows", "q3", "q5", "", "laid", "counter", "new rows"]


def test_a_value_made_while_the_version_moved_is_made_again():
    version = [(1, 0)]
    cache = StudyCache(lambda: version[0])

    def import_meanwhile() -> str:
        version[0] = (2, 0)
        cache.version()  # another value read meanwhile sees the new version
        return "made from (1, 0)"

    assert cache.data("rows", import_meanwhile) == "made from (1, 0)"
    assert cache.data("rows", lambda: "made from (2, 0)") == "made from (2, 0)"
