"""The study database's tables and the numbered migrations that build them.

A study outlives the version of the workbench that created it, so the schema carries a
version number and each change is a migration applied in order, in one transaction,
after a SQLite study has been backed up. Tables are declared here for queries; indexes
and later changes live only in migrations, so an old study and a new one end up alike.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from workbench.errors import StudyError

__all__ = ["CURRENT_VERSION", "MIGRATIONS", "events", "finding_reviews", "imports", "layouts", "meta", "metadata",
           "participants", "projections", "segments", "theme_suggestions", "transcripts"]

metadata = sa.MetaData()

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

transcripts = sa.Table(
    "transcripts", metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False),
    sa.Column("imported_at", sa.String(32), nullable=False),
    sa.Column("import_id", sa.Integer, nullable=False),
)

segments = sa.Table(
    "segments", metadata,
    sa.Column("id", sa.String(250), primary_key=True),
    sa.Column("transcript_id", sa.String(200), sa.ForeignKey("transcripts.id"), nullable=False),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("participant_id", sa.String(200)),
    sa.Column("speaker", sa.Text),
    sa.Column("is_interviewer", sa.Boolean, nullable=False),
    sa.Column("turn", sa.Integer, nullable=False),
    sa.Column("part", sa.Integer, nullable=False),
    sa.Column("start_offset", sa.Integer, nullable=False),
    sa.Column("end_offset", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False),
    sa.Column("metadata", sa.JSON, nullable=False),
)

participants = sa.Table(
    "participants", metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("site", sa.Text),
    sa.Column("role", sa.Text),
    sa.Column("attributes", sa.JSON, nullable=False),
)

imports = sa.Table(
    "imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
)

embeddings = sa.Table(
    "embeddings", metadata,
    sa.Column("model_key", sa.String(200), primary_key=True),
    sa.Column("text_sha256", sa.String(64), primary_key=True),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("model_name", sa.Text, nullable=False),
    sa.Column("model_sha256", sa.String(64), nullable=False),
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("input_sha256", sa.String(64), nullable=False),
    sa.Column("versions", sa.JSON, nullable=False),
    sa.Column("timings", sa.JSON, nullable=False),
    sa.Column("segments", sa.Integer, nullable=False),
    sa.Column("candidates", sa.Integer, nullable=False),
    sa.Column("coverage", sa.Float, nullable=False),
    sa.Column("merge_suggestions", sa.JSON, nullable=False),
    sa.Column("hierarchy", sa.JSON, nullable=False),
)

candidates = sa.Table(
    "candidates", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("keywords", sa.JSON, nullable=False),
    sa.Column("representatives", sa.JSON, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("participants", sa.Integer, nullable=False),
    sa.Column("sites", sa.Integer, nullable=False),
    sa.Column("stability", sa.Float, nullable=False),
    sa.Column("centroid", sa.LargeBinary, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False, server_default="theme"),
    sa.Column("children", sa.JSON),
)

assignments = sa.Table(
    "assignments", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("segment_id", sa.String(250), sa.ForeignKey("segments.id"), primary_key=True),
    sa.Column("candidate", sa.Integer, nullable=False),
    sa.Column("similarity", sa.Float, nullable=False),
    sa.Column("nearest", sa.Integer, nullable=False),
    sa.Column("nearest_similarity", sa.Float, nullable=False),
)


# The decision log. Payloads are stored as the exact canonical JSON text that was hashed
# (a JSON column type may reorder keys or change number formatting on a server), and the
# seq is given by the writer inside its write transaction, so the chain has no gaps.
events = sa.Table(
    "events", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("rationale", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # Chosen by the caller (a uuid) so a retried decision is recorded once; not hashed (migration 7).
    sa.Column("client_id", sa.String(200), nullable=True),
)

# Machine suggestions made by a run: which accepted theme a segment no theme holds might
# belong to. Immutable, like the rest of a run; the researcher confirms with an event.
theme_suggestions = sa.Table(
    "theme_suggestions", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("segment_id", sa.String(250), sa.ForeignKey("segments.id"), primary_key=True),
    sa.Column("theme_id", sa.String(32), primary_key=True),
    sa.Column("similarity", sa.Float, nullable=False),
)

# 2-D layouts of segments for the map, cached: key = the model and the exact segment set.
projections = sa.Table(
    "projections", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("segment_id", sa.String(250), sa.ForeignKey("segments.id"), primary_key=True),
    sa.Column("x", sa.Float, nullable=False),
    sa.Column("y", sa.Float, nullable=False),
)

# Each seeded layout's clusters, kept so that a run on the same vectors with the same settings
# and seed (a re-run after decisions, another question reading's earlier run) draws none again.
# Keyed by a hash of everything a layout depends on (``engine.layout_cache``); a cache, only added to.
layouts = sa.Table(
    "layouts", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("labels", sa.LargeBinary, nullable=False),
)

# Researchers' verdicts on the identifier scan's findings. Kept like the decision log: rows
# are only ever added (the store has no way to change or remove one), and a later review of
# the same finding supersedes an earlier one, so who decided what, and when, stays on record.
# A finding is (segment, type, start, end, sha256 of its text): a segment whose words at
# those offsets changed never inherits a verdict given to other words.
finding_reviews = sa.Table(
    "finding_reviews", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("segment_id", sa.String(250), sa.ForeignKey("segments.id"), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)

_APPEND_ONLY = "the decision log is append-only: events cannot be changed or removed"


def _v1_tables(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[meta, transcripts, segments, participants, imports])


def _v2_indexes(conn: sa.Connection) -> None:
    # Plain DDL: an sa.Index bound to these Table objects would also be created by
    # migration 1 in the same process, and then again here.
    for statement in (
        "CREATE INDEX ix_segments_transcript ON segments (transcript_id, ordinal)",
        "CREATE INDEX ix_segments_participant ON segments (participant_id)",
        "CREATE INDEX ix_imports_source_sha256 ON imports (source_sha256)",
    ):
        conn.execute(sa.text(statement))


def _v3_discovery(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[embeddings, runs, candidates, assignments])


def _v4_decision_log(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[events, theme_suggestions])
    if conn.dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                                 f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE FUNCTION workbench_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                             f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$")
        conn.exec_driver_sql("CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events "
                             "FOR EACH ROW EXECUTE FUNCTION workbench_log_append_only()")
        conn.exec_driver_sql("CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
                             "FOR EACH STATEMENT EXECUTE FUNCTION workbench_log_append_only()")
    else:  # no way to guard the log on this database: refuse rather than keep an unguarded log
        raise StudyError(f"the decision log needs SQLite or PostgreSQL, not {conn.dialect.name}")


def _v5_projections(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[projections])


def _v6_finding_reviews(conn: sa.Connection) -> None:
    # create_all skips a table already there; the index, likewise, so a study that somehow
    # kept the table (an interrupted manual repair) still upgrades.
    metadata.create_all(conn, tables=[finding_reviews])
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_finding_reviews_segment ON finding_reviews (segment_id)"))


_ONLY_AFTER = "the decision log is append-only: a new event must follow the last one, never take the place of one"
_HEAD_GUARD = "the recorded head of the decision log can only name the event just appended"


def _v8_append_guards(conn: sa.Connection) -> None:
    """Close the ways round migration 4's triggers: an insert that replaces, and the recorded head.

    On SQLite, ``INSERT OR REPLACE`` / ``REPLACE INTO`` deletes the row it collides with
    without firing a DELETE trigger (unless recursive_triggers is on), so an event could be
    swapped for another. An INSERT trigger refuses any event that is not after the last
    one, or that repeats a hash or a client id; it fires before the conflict is resolved,
    so nothing is deleted. PostgreSQL's ``ON CONFLICT DO UPDATE`` and ``MERGE`` already fire the UPDATE
    trigger; the same INSERT guard is added there so both databases enforce one rule.

    The ``log_head`` meta row may only name the last event, and never be removed. That
    stops a careless or casual edit; whoever can drop triggers can still rewrite both,
    which is why ``log head`` prints the head for the team to keep outside the database.
    """
    conn.execute(sa.text("CREATE INDEX ix_events_hash ON events (hash)"))  # the guard looks a hash up per append
    last = "(SELECT seq || ':' || hash FROM events ORDER BY seq DESC LIMIT 1)"
    # Any column a REPLACE could collide on: seq (the key), hash, and migration 7's unique client_id.
    clash = ("EXISTS (SELECT 1 FROM events WHERE seq >= NEW.seq) OR EXISTS (SELECT 1 FROM events WHERE "
             "hash = NEW.hash) OR EXISTS (SELECT 1 FROM events WHERE client_id = NEW.client_id)")
    if conn.dialect.name == "sqlite":
        for statement in (
            f"CREATE TRIGGER events_only_after BEFORE INSERT ON events WHEN {clash} "
            f"BEGIN SELECT RAISE(ABORT, '{_ONLY_AFTER}'); END",
            "CREATE TRIGGER meta_log_head_insert BEFORE INSERT ON meta WHEN NEW.key = 'log_head' AND (EXISTS (SELECT 1 "
            f"FROM meta WHERE key = 'log_head') OR NEW.value IS NOT {last}) "
            f"BEGIN SELECT RAISE(ABORT, '{_HEAD_GUARD}'); END",
            "CREATE TRIGGER meta_log_head_update BEFORE UPDATE ON meta WHEN (OLD.key = 'log_head' OR NEW.key = "
            f"'log_head') AND NOT (OLD.key = 'log_head' AND NEW.key = 'log_head' AND NEW.value IS {last}) "
            f"BEGIN SELECT RAISE(ABORT, '{_HEAD_GUARD}'); END",
            "CREATE TRIGGER meta_log_head_delete BEFORE DELETE ON meta WHEN OLD.key = 'log_head' "
            f"BEGIN SELECT RAISE(ABORT, '{_HEAD_GUARD}'); END",
        ):
            conn.exec_driver_sql(statement)
        return
    conn.exec_driver_sql(
        "CREATE FUNCTION workbench_log_only_after() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF {clash} THEN RAISE EXCEPTION '{_ONLY_AFTER}'; END IF; RETURN NEW; END $$")
    conn.exec_driver_sql("CREATE TRIGGER events_only_after BEFORE INSERT ON events "
                         "FOR EACH ROW EXECUTE FUNCTION workbench_log_only_after()")
    conn.exec_driver_sql(
        "CREATE FUNCTION workbench_log_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'TRUNCATE' THEN RAISE EXCEPTION '{_HEAD_GUARD}'; END IF; "
        f"IF TG_OP = 'DELETE' THEN IF OLD.key = 'log_head' THEN RAISE EXCEPTION '{_HEAD_GUARD}'; END IF; "
        "RETURN OLD; END IF; "
        "IF TG_OP = 'UPDATE' AND OLD.key = 'log_head' AND NEW.key <> 'log_head' "
        f"THEN RAISE EXCEPTION '{_HEAD_GUARD}'; END IF; "
        f"IF NEW.key = 'log_head' AND NEW.value IS DISTINCT FROM {last.replace('seq ||', 'seq::text ||')} "
        f"THEN RAISE EXCEPTION '{_HEAD_GUARD}'; END IF; RETURN NEW; END $$")
    conn.exec_driver_sql("CREATE TRIGGER meta_log_head_guard BEFORE INSERT OR UPDATE OR DELETE ON meta "
                         "FOR EACH ROW EXECUTE FUNCTION workbench_log_head_guard()")
    conn.exec_driver_sql("CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON meta "
                         "FOR EACH STATEMENT EXECUTE FUNCTION workbench_log_head_guard()")


def _v7_client_ids(conn: sa.Connection) -> None:
    # A study made by this workbench has the column from migration 4 (the table is declared with
    # it); one made before gains it here. NULLs never clash in a unique index, on either database.
    if "client_id" not in {c["name"] for c in sa.inspect(conn).get_columns("events")}:
        conn.execute(sa.text("ALTER TABLE events ADD COLUMN client_id VARCHAR(200)"))
    conn.execute(sa.text("CREATE UNIQUE INDEX IF NOT EXISTS ix_events_client_id ON events (client_id)"))


def _v9_candidate_kinds(conn: sa.Connection) -> None:
    # A study made by this workbench has both columns from migration 3 (the table is declared with
    # them); one made before gains them here, every earlier candidate a theme with no sub-candidates.
    have = {c["name"] for c in sa.inspect(conn).get_columns("candidates")}
    if "kind" not in have:
        conn.execute(sa.text("ALTER TABLE candidates ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'theme'"))
    if "children" not in have:
        conn.execute(sa.text("ALTER TABLE candidates ADD COLUMN children JSON"))


def _v10_layouts(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[layouts])


# (version, what it does, how): append only; never edit a migration that has shipped.
MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "transcripts, segments, participants and imports", _v1_tables),
    (2, "indexes for reading segments by transcript and participant", _v2_indexes),
    (3, "embedding cache, discovery runs, candidates and assignments", _v3_discovery),
    (4, "the decision log (append-only, enforced by triggers) and theme suggestions", _v4_decision_log),
    (5, "cached 2-D layouts of segments for the map", _v5_projections),
    (6, "researchers' reviews of the identifier scan's findings", _v6_finding_reviews),
    (7, "a client id on decisions, so a retried decision is recorded once", _v7_client_ids),
    (8, "no event inserted in place of another (REPLACE), and the recorded log head only moves to the last event",
     _v8_append_guards),
    (9, "candidates of a kind (small talk apart from themes) and their sub-candidates", _v9_candidate_kinds),
    (10, "each seeded layout's clusters, kept so that a re-run on the same segments draws none again",
     _v10_layouts),
]
CURRENT_VERSION = MIGRATIONS[-1][0]
