"""The facade the command line and the pages call: one method per thing a researcher does.

It delegates, so each method is a line or two: files are read by ``workbench.io``, stored
by ``workbench.store``, and each concern's rules live in a module of ``workbench.services``:
``imports`` (importing), ``segments`` (context and quotes), ``runs`` (discovery runs,
candidates and triage), ``decisions`` (decisions that check before deciding),
``recording`` (the decision log and its one way of appending), ``privacy.scan`` (the identifier
scan and its reviews), ``analyses`` and ``exports``. ``cache`` is the one cache of what is
computed from the study's data, dropped when the data version moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.decisions import Codebook, Event, Log
from workbench.core.names import check_name, default_researcher
from workbench.core.overview import Overview, SegmentFilter, overview
from workbench.core.participants import Participant
from workbench.core.progress import Progress
from workbench.core.runs import AssignmentRecord, CandidateRecord, RunRecord
from workbench.core.segments import SegmentRow
from workbench.engine.discovery_settings import DiscoveryParams
from workbench.engine.embed import DEFAULT_BACKEND
from workbench.engine.model_files import TokenCounter, token_counter
from workbench.io.ingest import IngestOptions, ParsedFiles
from workbench.services import analyses as study_analyses
from workbench.services import decisions as study_decisions
from workbench.services import exports as study_exports
from workbench.services import imports as study_import
from workbench.services import privacy as study_privacy
from workbench.services import runs as study_runs
from workbench.services import segments as study_segments
from workbench.services.cache import StudyCache
from workbench.services.imports import IngestReport
from workbench.services.recording import DecisionRecorder, Once
from workbench.services.runs import RunData
from workbench.store.database import FindingReview, Store

if TYPE_CHECKING:  # imported where used: commands that never touch them start faster
    from workbench.core.analysis import Agreement, Prevalence, Saturation
    from workbench.core.estimate import Estimate
    from workbench.core.logic_model import Coverage, LogicModel
    from workbench.engine.split_proposal import ProposedPart
    from workbench.privacy.scan import Finding

__all__ = ["IngestReport", "Once", "Study", "default_researcher"]


class Study:
    """One study: its store, and the actions researchers take on it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache = StudyCache(lambda: self.store.data_version())  # what is computed from the data: services/cache.py
        self.recorder = DecisionRecorder(store)  # the decision log and its writes: services/recording.py

    @classmethod
    def init(cls, location: str | Path, by: str | None = None, name: str | None = None,
             logic_model: Path | None = None) -> Study:
        """Create a study; with ``logic_model``, start it with that programme theory.

        The file is validated before anything is created, so a bad file leaves no study.
        """
        from workbench.core.logic_model import load_yaml

        model = load_yaml(logic_model) if logic_model is not None else None
        study = cls(Store.create(location, check_name(by or default_researcher()), name))
        if model is not None and logic_model is not None:
            study._load_model(model, logic_model.name, by, "the study's starting programme theory")
        return study

    @classmethod
    def open(cls, location: str | Path) -> Study:
        return cls(Store.open(location))

    @property
    def location(self) -> str:
        return self.store.display

    def close(self) -> None:
        self.store.dispose()

    def counter(self) -> TokenCounter:
        return self.cache.lasting("counter", token_counter)

    def data_version(self) -> tuple[int, int]:
        """(last import, last run): what the pages key what they draw by; it moves when segments or runs change."""
        return self.cache.version()

    # --- importing (services/imports.py) -------------------------------------------------------
    def ingest(self, paths: Sequence[Path], by: str | None = None, participants: Path | None = None,
               options: IngestOptions = IngestOptions(), progress: Progress | None = None) -> IngestReport:
        """Import files in one transaction: all of them, or (on any error) none."""
        return study_import.ingest(self, paths, by, participants, options, progress)

    def check(self, paths: Sequence[Path], participants: Path | None = None,
              options: IngestOptions = IngestOptions(), progress: Progress | None = None) -> ParsedFiles:
        """Parse files as an import would, writing nothing: ``.report`` is what to check before importing."""
        return study_import.parse(self, paths, participants, options, progress)

    # --- reading (services/segments.py) -------------------------------------------------------
    def segments(self, where: SegmentFilter = SegmentFilter()) -> list[SegmentRow]:
        return where.apply(self.rows())

    def rows(self) -> list[SegmentRow]:
        """Every segment, in transcript order; read again only after an import or a run."""
        return self.cache.data("rows", self.store.segment_rows)

    def segment_index(self) -> dict[str, SegmentRow]:
        return {r.id: r for r in self.rows()}

    def speaking(self) -> dict[str, set[str]]:
        """Each participant who speaks (interviewers aside), with their transcripts; kept until the segments change."""
        return self.cache.data("speaking", lambda: study_import.speaking(self.rows()))

    def quotes(self, theme_id: str, n: int = 3) -> list[str]:
        """The segments that stand for a theme: its exemplars, then central members up to ``n``."""
        return study_segments.quotes(self, theme_id, n)

    def turns_before(self) -> dict[str, SegmentRow]:
        """Each segment's preceding turn in its transcript: the question an answer answers."""
        return study_segments.turns_before(self)

    def context(self, segment_id: str, around: int = 2) -> list[SegmentRow]:
        return study_segments.context(self, segment_id, around)

    def projection(self, progress: Progress | None = None, compute: bool = True) -> dict[str, tuple[float, float]]:
        """Every participant segment's place on a 2-D map (with ``compute`` False, only one laid out already)."""
        return study_runs.projection(self, progress, compute)

    def participants(self) -> list[Participant]:
        return self.store.participants()

    # --- discovery (services/runs.py) ---------------------------------------------------------
    def discover(self, params: DiscoveryParams = DiscoveryParams(), by: str | None = None,
                 backend: str = DEFAULT_BACKEND, progress: Progress | None = None) -> RunRecord:
        """Propose candidate themes among the segments no accepted theme holds, and record the run."""
        return study_runs.discover(self, params, by, backend, progress)

    def estimate_discovery(self, params: DiscoveryParams = DiscoveryParams(),
                           backend: str = DEFAULT_BACKEND) -> Estimate:
        """How long ``discover`` with these settings should take, before it starts (``core.estimate``)."""
        return study_runs.discovery_estimate(self, params, backend)

    def runs(self) -> list[RunRecord]:
        return self.store.runs()

    def latest_run_id(self) -> int | None:
        return self.store.latest_run_id()

    def latest_run(self) -> RunRecord:
        return study_runs.latest_run(self)

    def _run(self, run_id: int | None) -> RunData:
        return study_runs.run_data(self, run_id)

    def candidates(self, run_id: int | None = None) -> tuple[RunRecord, list[CandidateRecord]]:
        data = self._run(run_id)
        return data.run, data.candidates

    def assignments(self, run_id: int | None = None) -> tuple[RunRecord, list[AssignmentRecord]]:
        data = self._run(run_id)
        return data.run, data.assignments

    def overview(self) -> Overview:
        return self.cache.data("overview", lambda: overview(self.rows(), [p.id for p in self.store.participants()]))

    # --- the decision log ------------------------------------------------------------------
    def log(self) -> Log:
        """The log and the codebook it adds up to, applying only events not seen before."""
        return self.recorder.log()

    def codebook(self) -> Codebook:
        return self.recorder.log().codebook

    def events(self) -> list[Event]:
        return self.store.events()

    def verify_log(self, head: str | None = None, against: Path | None = None) -> list[str]:
        """Problems with the log's hash chain and replay, and against ``head`` or an earlier export."""
        return study_exports.verify_log(self, head, against)

    def log_head_line(self) -> tuple[Event, str] | None:
        """The last event and the one line naming it, for a team to record outside the database (None: no events)."""
        return study_exports.log_head_line(self)

    def decide(self, kind: str, build: Callable[[Log], dict[str, Any]], by: str | None = None,
               why: str = "", client_id: str | None = None) -> Event:
        """Append one decision, validated against the codebook as it stands inside the write (recording.py)."""
        return self.recorder.decide(kind, build, by, why, client_id)

    def decide_all(self, steps: Sequence[tuple[str, Callable[[Log], dict[str, Any]]]], by: str | None = None,
                   why: str = "", client_id: str | None = None) -> list[Event]:
        """Several decisions as one action: all appended in one transaction, or none."""
        return self.recorder.decide_all(steps, by, why, client_id)

    def once(self, client_id: str | None) -> AbstractContextManager[Once]:
        """The next decision made inside carries ``client_id``: recorded once, however often it is retried."""
        return self.recorder.once(client_id)

    def import_codebook(self, path: Path, by: str | None = None, why: str = "",
                        client_id: str | None = None) -> tuple[list[Event], list[str]]:
        """Seed themes from a codebook (.qdc or .csv); returns the events and the codes skipped."""
        return study_import.import_codebook(self, path, by, why, client_id)

    # One method per decision, each through ``decide``; those that check first, in services/decisions.py.
    def candidate_members(self, text: str) -> list[str]:
        """The segments a run assigned to a candidate (the unassigned are not members)."""
        return study_runs.candidate_members(self, text)

    def accept(self, candidate: str, name: str | None = None, by: str | None = None, why: str = "") -> Event:
        """Accept a candidate as a theme with a new id and the candidate's members."""
        return study_decisions.accept(self, candidate, name, by, why)

    def reject(self, candidate: str, by: str | None = None, why: str = "") -> Event:
        cid, _, _ = study_runs.candidate(self, candidate)
        return self.decide("reject", lambda log: {"candidate": cid}, by, why)

    def create_theme(self, name: str, members: Sequence[str] = (), definition: str = "", inclusion: str = "",
                     exclusion: str = "", origin: str = "created", by: str | None = None, why: str = "") -> Event:
        """A theme the researchers bring themselves (deductive codes, an imported codebook)."""
        return study_decisions.create_theme(self, name, members, definition, inclusion, exclusion, origin, by, why)

    def rename(self, theme: str, name: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("rename", lambda log: {"theme": theme, "name": name}, by, why)

    def merge(self, sources: Sequence[str], into: str, name: str | None = None, by: str | None = None,
              why: str = "") -> Event:
        """Merge themes or candidates into a theme; into a candidate, accepting it as a new theme."""
        return study_decisions.merge(self, sources, into, name, by, why)

    def propose_split(self, item: str, parts: int | None = None,
                      progress: Progress | None = None) -> list[ProposedPart]:
        """Sub-groups of a theme's (or candidate's) members, re-clustered, to confirm or edit."""
        return study_runs.propose_split(self, item, parts, progress)

    def split(self, theme: str, parts: Sequence[tuple[str, Sequence[str]]], by: str | None = None,
              why: str = "") -> Event:
        """Replace a theme by parts (name, members) that share out all of its members."""
        return self.decide("split", lambda log: {"theme": theme, "parts": [
            {"theme": log.next_theme_id(i), "name": name, "members": list(members)}
            for i, (name, members) in enumerate(parts)]}, by, why)

    def accept_in_parts(self, candidate: str, parts: Sequence[tuple[str, Sequence[str]]], by: str | None = None,
                        why: str = "") -> list[Event]:
        """Accept a candidate and split it at once: both in one transaction, or neither."""
        return study_decisions.accept_in_parts(self, candidate, parts, by, why)

    def accept_sub_candidates(self, candidate: str, by: str | None = None, why: str = "") -> list[Event]:
        """Accept a candidate as one theme per sub-candidate its run found (a reason is required)."""
        return study_decisions.accept_sub_candidates(self, candidate, by, why)

    def sub_candidates(self, candidate: str) -> list[dict[str, Any]]:
        """The narrower groups the run found inside a candidate, to drill into."""
        return study_runs.sub_candidates(self, candidate)

    def move(self, segments: Sequence[str], source: str, target: str, by: str | None = None, why: str = "") -> Event:
        chosen = study_decisions.segments(self, segments)
        return self.decide("move", lambda log: {"segments": chosen, "from": source, "to": target}, by, why)

    def assign(self, segments: Sequence[str], theme: str, by: str | None = None, why: str = "") -> Event:
        chosen = study_decisions.segments(self, segments)
        return self.decide("assign", lambda log: {"segments": chosen, "theme": theme}, by, why)

    def dismiss(self, segments: Sequence[str], by: str | None = None, why: str = "") -> Event:
        """Take segments out of the triage queue: read, and judged to belong to no theme."""
        ids = study_decisions.segments(self, segments)
        return self.decide("dismiss", lambda log: {"segments": ids}, by, why)

    def unassign(self, segments: Sequence[str], theme: str, by: str | None = None, why: str = "") -> Event:
        chosen = study_decisions.segments(self, segments)
        return self.decide("unassign", lambda log: {"segments": chosen, "theme": theme}, by, why)

    def define(self, theme: str, definition: str | None = None, inclusion: str | None = None,
               exclusion: str | None = None, exemplars: Sequence[str] | None = None, by: str | None = None,
               why: str = "") -> Event:
        """Set a theme's definition; fields left as None keep their current value."""
        return study_decisions.define(self, theme, definition, inclusion, exclusion, exemplars, by, why)

    def map_theme(self, theme: str, node: str, note: str = "", by: str | None = None, why: str = "") -> Event:
        """Tie a theme to a logic-model node, with a note on how it evidences it."""
        return self.decide("map", lambda log: {"theme": theme, "node": node, "note": note}, by, why)

    def unmap_theme(self, theme: str, node: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("unmap", lambda log: {"theme": theme, "node": node}, by, why)

    def map_themes(self, themes: Sequence[str], node: str, note: str = "", by: str | None = None,
                   why: str = "") -> list[Event]:
        """Tie several themes to a node at once: one map event each, all recorded or none."""
        return study_decisions.all_or_none(self, "map", themes, lambda t: {"theme": t, "node": node, "note": note},
                                           by, why)

    def unmap_themes(self, themes: Sequence[str], node: str, by: str | None = None, why: str = "") -> list[Event]:
        """Untie several themes from a node at once: one unmap event each, all recorded or none."""
        return study_decisions.all_or_none(self, "unmap", themes, lambda t: {"theme": t, "node": node}, by, why)

    def memo(self, text: str, theme: str | None = None, segment: str | None = None, by: str | None = None,
             why: str = "") -> Event:
        return study_decisions.memo(self, text, theme, segment, by, why)

    def vote(self, session: str, item: str, vote: str, by: str | None = None, why: str = "") -> Event:
        """A reviewer's own verdict on a theme or candidate in a validation session (one of VOTES)."""
        return study_decisions.vote(self, session, item, vote, by, why)

    def adjudicate(self, session: str, item: str, outcome: str, by: str | None = None, why: str = "") -> Event:
        """The outcome a session agreed for an item its reviewers voted on."""
        return study_decisions.adjudicate(self, session, item, outcome, by, why)

    def revert(self, seq: int, by: str | None = None, why: str = "") -> Event:
        return self.decide("revert", lambda log: {"event": seq}, by, why)

    def triage(self, run_id: int | None = None) -> list[tuple[AssignmentRecord, list[tuple[str, float]]]]:
        """The run's unassigned segments no theme holds, each with the themes it is nearest."""
        return study_runs.triage(self, run_id)

    def theme_suggestions(self, run_id: int | None = None) -> list[tuple[str, str, float]]:
        """(segment, theme, similarity) for the run's unassigned segments, leaving out those dismissed from triage."""
        return study_runs.theme_suggestions(self, run_id)

    # --- the logic model ---------------------------------------------------------------
    def logic_model(self) -> LogicModel | None:
        return self.codebook().model

    def _load_model(self, model: LogicModel, source: str, by: str | None, why: str) -> Event:
        return self.decide("model", lambda log: {"model": model.as_data(), "source": source}, by, why)

    def load_logic_model(self, path: Path, by: str | None = None, why: str = "") -> Event:
        """Load (or replace) the study's logic model from a YAML file."""
        from workbench.core.logic_model import load_yaml

        return self._load_model(load_yaml(path), path.name, by, why)

    def export_logic_model(self) -> str:
        return study_exports.export_logic_model(self)

    def add_node(self, node_id: str, node_type: str, label: str, description: str = "",
                 questions: Sequence[str] = (), by: str | None = None, why: str = "") -> Event:
        node = {"id": node_id, "type": node_type, "label": label, "description": description,
                "questions": list(questions)}
        return self.decide("node_add", lambda log: {"node": node}, by, why)

    def edit_node(self, node_id: str, node_type: str | None = None, label: str | None = None,
                  description: str | None = None, questions: Sequence[str] | None = None, by: str | None = None,
                  why: str = "") -> Event:
        """Change a node; fields left as None keep their value."""
        return study_decisions.edit_node(self, node_id, node_type, label, description, questions, by, why)

    def remove_node(self, node_id: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("node_remove", lambda log: {"id": node_id}, by, why)

    def add_edge(self, source: str, target: str, label: str = "", by: str | None = None, why: str = "") -> Event:
        return self.decide("edge_add", lambda log: {"from": source, "to": target, "label": label}, by, why)

    def remove_edge(self, source: str, target: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("edge_remove", lambda log: {"from": source, "to": target}, by, why)

    def coverage(self) -> Coverage:
        """For each node, the themes, segments, participants, sites and roles that evidence it."""
        return study_analyses.coverage(self)

    # --- privacy (services/privacy.py) -----------------------------------------------------
    HIGH_SCORE = study_privacy.HIGH_SCORE  # findings at least this sure are to be reviewed before quotes leave
    finding_key = staticmethod(study_privacy.finding_key)
    finding_id = staticmethod(study_privacy.finding_id)

    def scan(self, names: Path | None = None, places: Path | None = None) -> list[tuple[SegmentRow, Finding]]:
        """Identifiers de-identification may have missed, in every segment (interviewers' too)."""
        return study_privacy.scan(self, names, places)

    def reviews(self) -> dict[tuple[str, str, int, int, str], FindingReview]:
        """The latest review of each finding ever reviewed, by ``finding_key``."""
        return study_privacy.reviews(self)

    def review_history(self) -> list[FindingReview]:
        """Every review of a finding, superseded ones too, in the order they were given."""
        return self.store.finding_reviews(latest=False)

    def findings(self, names: Path | None = None,
                 places: Path | None = None) -> list[tuple[SegmentRow, Finding, str | None]]:
        """The scan's findings, each with its latest verdict ('identifier', 'false_alarm') or None if unreviewed."""
        return study_privacy.findings(self, names, places)

    def review_finding(self, segment_id: str, type: str, start: int, end: int, text: str, verdict: str,
                       by: str | None = None, note: str = "") -> FindingReview:
        """Record a verdict on a finding that is still there (``identifier`` or ``false_alarm``)."""
        return study_privacy.review_finding(self, segment_id, type, start, end, text, verdict, by, note)

    def mark_finding(self, finding_id: str, verdict: str, by: str | None = None, note: str = "",
                     names: Path | None = None, places: Path | None = None) -> tuple[Finding, FindingReview]:
        """Record a verdict on the finding whose ``finding_id`` a scan (with these lists) gives now."""
        return study_privacy.mark_finding(self, finding_id, verdict, by, note, names, places)

    def unreviewed(self, min_score: float = HIGH_SCORE, segments: Iterable[str] | None = None) -> int:
        """How many findings at least ``min_score`` sure have no verdict yet (in ``segments``, or anywhere)."""
        return study_privacy.unreviewed(self, min_score, segments)

    def identifiers_left(self, segments: Iterable[str] | None = None) -> int:
        """How many findings marked as identifiers are still in the text (in ``segments``, or anywhere)."""
        return study_privacy.identifiers_left(self, segments)

    def quoted_segments(self) -> set[str]:
        """The segments the codebook documents (CSV, XLSX, Markdown, Word) quote for their themes."""
        return study_privacy.quoted_segments(self)

    # --- analysis (services/analyses.py) ----------------------------------------------------
    def prevalence(self, by: str = "site") -> Prevalence:
        """Each theme's segments and participants per site, role or participant group."""
        return study_analyses.prevalence(self, by)

    def saturation(self, order_by: str | None = None, base: int = 4, run: int = 2,
                   threshold: float = 0.05) -> Saturation:
        """Whether later interviews still added themes; interviews in import order or by a column."""
        return study_analyses.saturation(self, order_by, base, run, threshold)

    def sessions(self) -> list[tuple[str, int, int]]:
        """Validation sessions with votes: (name, reviewers, items)."""
        return study_analyses.sessions(self)

    def agreement(self, session: str) -> Agreement:
        """Agreement among a validation session's reviewers, and the items they disagree on."""
        return study_analyses.agreement(self, session)

    def item_name(self, item: str) -> str:
        """What a theme or candidate id stands for: the theme's name or the candidate's label."""
        return study_analyses.item_name(self, item)

    # --- exchange (services/exports.py) ------------------------------------------------------
    def uid(self) -> str:
        """A stable identifier for the study (its name and creation time), for export guids."""
        return study_exports.uid(self)

    def assignments_file(self, run_id: int | None = None) -> str:
        """A run's assignments as CSV, each segment with the themes that hold it now."""
        return study_exports.assignments_file(self, run_id)

    def log_file(self, fmt: str) -> str:
        """The decision log as ``csv`` (for reading) or ``jsonl`` (exact, re-verifiable)."""
        return study_exports.log_file(self, fmt)

    def codebook_file(self, fmt: str) -> bytes:
        """The codebook as it stands: csv, qdc or qdpx (REFI-QDA), xlsx, md or docx bytes."""
        return study_exports.codebook_file(self, fmt)
