"""Shared fixtures: a fresh study per test, on SQLite and (where a server is given) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from workbench.engine.model_files import TokenCounter, token_counter
from workbench.study import Study

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PG_ENV = "WORKBENCH_TEST_PG_URL"


def pg_admin_url() -> str:
    """The server URL for PostgreSQL tests; in CI its absence is a failure, not a skip."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip(f"no PostgreSQL server: set {PG_ENV} (./run test starts one) to run this test")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa

    admin_url = pg_admin_url()
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def study_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where to create a study: a folder (SQLite) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "study")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def study(study_location: str) -> Iterator[Study]:
    created = Study.init(study_location, by="tester")
    yield created
    created.close()


@pytest.fixture(scope="session")
def counter() -> TokenCounter:
    return token_counter()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture(scope="session")
def discovered_sample(tmp_path_factory: pytest.TempPathFactory) -> Study:
    """The sample corpus imported and discovered once per test session (the real model, real BERTopic)."""
    study = Study.init(tmp_path_factory.mktemp("discovered") / "study", by="tester")
    study.ingest(sorted((CORPUS / "transcripts").iterdir()), participants=CORPUS / "participants.csv")
    study.discover(by="tester")
    return study


# Three clearly separated topics, each in every third row: the small corpus the discovery,
# decision and app tests share (real model, real BERTopic, seconds to cluster).
TOPICS = [
    "The referral sat for weeks and nobody rang us back about it",
    "Sharing information with the police desk worked well once we sat together",
    "The school found the threshold document confusing and inconsistent",
]


def topic_table(path: Path, extra: list[tuple[str, str]] = (), site: bool = True) -> Path:
    """45 rows on TOPICS (ids a00-a44, participants P0-P8, sites S0-S2), then ``extra`` (id, text) rows."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "participant", *(["site"] if site else [])])
        for i in range(45):
            where = [f"S{i % 3}"] if site else []
            writer.writerow([f"a{i:02d}", f"{TOPICS[i % 3]}, in case {i}.", f"P{i % 9}", *where])
        for row_id, text in extra:
            writer.writerow([row_id, text, "P1", *(["S1"] if site else [])])
    return path


def discover_topics(folder: Path, extra: list[tuple[str, str]] = ()) -> Study:
    """``topic_table`` (and ``extra`` rows) imported into a new study in ``folder`` and discovered: open."""
    from workbench.engine.discover import DiscoveryParams

    study = Study.init(folder / "study", by="setup")
    study.ingest([topic_table(folder / "answers.csv", extra)])
    study.discover(DiscoveryParams(min_size=5, runs=2, min_similarity=0.5), by="setup")
    return study


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A small discovered study for the app's tests: three clear topics, one odd segment left for triage."""
    folder = tmp_path_factory.mktemp("app")
    discover_topics(folder, [("odd", "Quantum chromodynamics of gluon plasma <b>bold</b> *stars*.")]).close()
    return folder / "study"


def copied(source: Path, tmp_path: Path) -> str:
    """A copy of the study folder ``source`` for one test to change: where it is."""
    import shutil

    target = tmp_path / "study"
    shutil.copytree(source, target)
    return str(target)


@pytest.fixture
def small(template, tmp_path) -> str:
    """A fresh copy of ``template`` for one test."""
    return copied(template, tmp_path)




@pytest.fixture(scope="module")
def chromium() -> None:
    """Debian's chromium for the browser tests: in CI its absence is a failure, not a skip."""
    from .browser_harness import CHROMIUM

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing in CI: .ci/run must install it")
        pytest.skip("no /usr/bin/chromium: install it (./run test does) to run the browser tests")


from .app_harness import browser_like  # noqa: E402, F401 - a fixture for every app test
