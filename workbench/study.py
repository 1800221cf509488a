"""The facade the command line and the pages call: one method per thing a researcher does.

It delegates: files are read by the importers, counted by ``overview``, stored by the
store. What it owns is the rules that span them, such as what a re-import may change.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .decisions import Codebook, DecisionError, Draft, Event, Log, chain_problems, is_theme_id, seal
from .discover import DiscoveryParams, ProposedPart
from .embed import DEFAULT_BACKEND
from .errors import ConflictError, InputError, StudyError
from .import_check import TranscriptCheck, describe_checks
from .ingest import IngestOptions, ParsedFiles, Progress, describe_difference, parse_files
from .model_files import TokenCounter, token_counter
from .names import check_name, check_reason
from .overview import Overview, SegmentFilter, overview
from .participants import Participant
from .runs import AssignmentRecord, CandidateRecord, RunRecord, candidate_id, parse_candidate_id
from .segments import SegmentRow, Transcript
from .store import VERDICTS, FindingReview, Store, utc_now

if TYPE_CHECKING:  # imported where used: commands that never touch the logic model start faster
    from .analysis import Agreement, Prevalence, Saturation
    from .logic_model import Coverage, LogicModel
    from .privacy import Finding

__all__ = ["IngestReport", "Once", "Study", "default_researcher"]


def default_researcher() -> str:
    """Who is acting when no name is given: the operating-system user."""
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Once:
    """A decision's client id, and what was recorded under it before, when it was a retry."""

    client_id: str | None
    repeated: list[Event] = field(default_factory=list)  # empty: recorded now (or refused)
    taken: bool = False  # a decision has used the id: the next one inside the block does not


_CLIENT_ID_LIMIT = 100


def _client_id(text: str | None) -> str | None:
    """A client id as given, checked: the store marks an action's later events '<id>/2', '<id>/3', ..."""
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > _CLIENT_ID_LIMIT or "/" in text or not text.isprintable() \
            or any(c.isspace() for c in text):
        raise DecisionError(f"{text[:40]!r} is not a client id: give up to {_CLIENT_ID_LIMIT} characters without "
                            "spaces or '/', such as a uuid", flag="--client-id")
    return text


def _seal_all(log: Log, steps: Sequence[tuple[str, Callable[[Log], dict[str, Any]]]], by: str, why: str,
              applied: list[Event]) -> None:
    """Seal each step in turn onto ``log``, validating it (a refusal raises); each is added to ``applied``."""
    for kind, build in steps:
        event = seal(Draft(kind, build(log), by, why), log.seq + 1, utc_now(), log.head)
        log.append(event)  # validates; a refusal changes nothing
        applied.append(event)


@dataclass(frozen=True)
class _RunData:
    run: RunRecord
    candidates: list[CandidateRecord]
    assignments: list[AssignmentRecord]
    suggestions: list[tuple[str, str, float]]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # transcript ids
    unchanged: list[str] = field(default_factory=list)
    segments_added: int = 0
    participants_added: int = 0
    participants_updated: int = 0
    warnings: list[str] = field(default_factory=list)
    checks: list[TranscriptCheck] = field(default_factory=list)  # the parse of every file, as --check shows it
    roles_from_labels: dict[str, str] = field(default_factory=dict)  # participant -> role read off its label

    @property
    def report(self) -> list[str]:
        """The parse report (speakers, shares, warnings), then what the import did with roles."""
        lines = describe_checks(self.checks)
        if self.roles_from_labels:
            lines.append("roles taken from speaker labels (the participants file gave none): " + ", ".join(
                f"{pid}: {role}" for pid, role in sorted(self.roles_from_labels.items())))
        return lines + [f"warning: {w}" for w in self.warnings]

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.participants_added or self.participants_updated)


class Study:
    """One study: its store, and the actions researchers take on it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._counter: TokenCounter | None = None
        self._log: Log | None = None  # the codebook so far, brought up to date incrementally
        self._rows: tuple[tuple[int, int], list[SegmentRow]] | None = None  # (data version, every segment)
        self._before: tuple[tuple[int, int], dict[str, SegmentRow]] | None = None
        self._overview: tuple[tuple[int, int], Overview] | None = None
        self._projection: tuple[tuple[int, int], dict[str, tuple[float, float]]] | None = None
        self._runs: dict[int, _RunData] = {}
        self._positions: tuple[tuple[int, int], dict[str, int]] | None = None  # segment -> place in transcript order
        self._quotes: dict[str, tuple[object, list[str]]] = {}  # theme -> (what it was chosen from, its quotes)
        self._once: Once | None = None  # the client id the next decision carries (``once``)

    @classmethod
    def init(cls, location: str | Path, by: str | None = None, name: str | None = None,
             logic_model: Path | None = None) -> Study:
        """Create a study; with ``logic_model``, start it with that programme theory.

        The file is validated before anything is created, so a bad file leaves no study.
        """
        from .logic_model import load_yaml

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
        if self._counter is None:
            self._counter = token_counter()
        return self._counter

    # --- importing -------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[Path],
        by: str | None = None,
        participants: Path | None = None,
        options: IngestOptions = IngestOptions(),
        progress: Progress | None = None,
    ) -> IngestReport:
        """Import files in one transaction: all of them, or (on any error) none.

        A transcript already in the study with the same text is left alone and reported as
        unchanged; one whose text differs is refused, saying where, because segments that
        researchers may have coded would silently shift under them.
        """
        by = check_name(by or default_researcher())
        parsed = self.check(paths, participants, options, progress)
        report = IngestReport(warnings=list(parsed.warnings), checks=list(parsed.checks))

        stored = {t.id: t for t in self.store.transcripts()}
        changed = [t for t in parsed.transcripts if t.id in stored and stored[t.id].text_sha256 != t.text_hash]
        if changed:
            first = changed[0]
            old = self.store.transcript_texts([first.id])[first.id]
            more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
            raise ConflictError(
                f"{first.source}: transcript {first.id!r} is already in the study with different text"
                f"{more}: {describe_difference(old, first.text)}; nothing was imported. Import the "
                "changed version under a new file name, or keep the one already coded"
            )
        report.unchanged = [t.id for t in parsed.transcripts if t.id in stored]
        fresh = [t for t in parsed.transcripts if t.id not in stored]
        report.checks = [c for c in parsed.checks if c.id not in stored]  # what this import adds

        owners = self.store.segment_owners(s.id for t in fresh for s in t.segments)
        if owners:
            seg_id, owner = next(iter(owners.items()))
            source = next(t.source for t in fresh if any(s.id == seg_id for s in t.segments))
            raise ConflictError(f"{source}: segment id {seg_id!r} is already used by transcript {owner!r}; "
                                "nothing was imported. Give the rows ids of their own")

        people = self._with_label_roles(parsed.participants, fresh, report)
        with self.store.write(by, f"importing {len(fresh)} transcript(s)") as tx:
            if people:
                report.participants_added, report.participants_updated = tx.upsert_participants(people)
            by_source: dict[str, list[Transcript]] = {}
            for transcript in fresh:
                by_source.setdefault(transcript.source, []).append(transcript)
            for source, items in by_source.items():
                digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
                details: dict[str, Any] = {
                    "transcripts": [t.id for t in items],
                    "segments": sum(len(t.segments) for t in items),
                }
                speakers = {s.participant_id for t in items for s in t.segments}
                roles = {p: r for p, r in report.roles_from_labels.items() if p in speakers}
                if roles:
                    details["roles_from_labels"] = roles
                import_id = tx.record_import(by, source, digest, details)
                for transcript in items:
                    tx.add_transcript(transcript, import_id)
                    report.added.append(transcript.id)
                    report.segments_added += len(transcript.segments)
            if participants is not None and (report.participants_added or report.participants_updated):
                digest = hashlib.sha256(participants.read_bytes()).hexdigest()
                tx.record_import(by, str(participants), digest, {
                    "participants_added": report.participants_added,
                    "participants_updated": report.participants_updated,
                })
        report.warnings.extend(self._participant_warnings(parsed.participants))
        return report

    def check(self, paths: Sequence[Path], participants: Path | None = None,
              options: IngestOptions = IngestOptions(), progress: Progress | None = None) -> ParsedFiles:
        """Parse files as an import would, writing nothing: ``.report`` is what to check before importing."""
        known = [p.id for p in self.store.participants()]
        return parse_files(paths, self.counter(), options, participants, known, progress)

    def _with_label_roles(self, sidecar: list[Participant], fresh: list[Transcript],
                          report: IngestReport) -> list[Participant]:
        """The participants to write: the sidecar's, with roles offered by labels where nobody gave one.

        ``P03 (Social Worker):`` says what P03 is. Where neither the participants file nor
        the study gives P03 a role, that description becomes the role (and the report says
        so); where either gives one, theirs stands.
        """
        described: dict[str, Counter[str]] = {}
        for transcript in fresh:
            for segment in transcript.segments:
                role = segment.metadata.get("speaker_description")
                if role and segment.participant_id and not segment.is_interviewer:
                    described.setdefault(segment.participant_id, Counter())[role] += 1
        if not described:
            return sidecar
        given = {p.id: p for p in self.store.participants()} | {p.id: p for p in sidecar}
        people = {p.id: p for p in sidecar}
        for pid, roles in described.items():
            current = given.get(pid)
            if current is not None and current.role:
                continue
            role = roles.most_common(1)[0][0]
            base = current or Participant(pid)
            people[pid] = Participant(base.id, base.site, role, dict(base.attributes))
            report.roles_from_labels[pid] = role
        return list(people.values())

    def _participant_warnings(self, sidecar: list[Participant]) -> list[str]:
        people = {p.id for p in self.store.participants()}
        rows = self.store.segment_rows()
        speaking: dict[str, set[str]] = {}
        for row in rows:
            if row.participant_id and not row.is_interviewer:
                speaking.setdefault(row.participant_id, set()).add(row.transcript_id)
        warnings = []
        unknown = sorted(p.id for p in sidecar if p.id not in speaking)
        if unknown:
            warnings.append(f"participants file lists {len(unknown)} participant(s) with no segments in the study: "
                            + ", ".join(unknown))
        missing: dict[str, list[str]] = {}
        for pid, where in speaking.items():
            if pid not in people:
                for transcript in where:
                    missing.setdefault(transcript, []).append(pid)
        if missing and (people or sidecar):
            listed = "; ".join(f"{t}: {', '.join(sorted(p))}" for t, p in sorted(missing.items()))
            warnings.append(f"{len(missing)} transcript(s) have participants missing from the participants file "
                            f"(their site and role are unknown): {listed}")
        elif missing:
            warnings.append("no participants file yet: site and role are unknown; add one with --participants")
        return warnings

    # --- reading ---------------------------------------------------------------------
    def segments(self, where: SegmentFilter = SegmentFilter()) -> list[SegmentRow]:
        return where.apply(self.rows())

    def rows(self) -> list[SegmentRow]:
        """Every segment, in transcript order; read again only after an import or a run."""
        version = self.store.data_version()
        if self._rows is None or self._rows[0] != version:
            self._rows = (version, self.store.segment_rows())
        return self._rows[1]

    def segment_index(self) -> dict[str, SegmentRow]:
        return {r.id: r for r in self.rows()}

    def _position(self) -> dict[str, int]:
        """Each segment's place in transcript order, kept until the segments change."""
        version = self.store.data_version()
        if self._positions is None or self._positions[0] != version:
            self._positions = (version, {r.id: n for n, r in enumerate(self.rows())})
        return self._positions[1]

    def quotes(self, theme_id: str, n: int = 3) -> list[str]:
        """The segments that stand for a theme: every exemplar, then representative members up to ``n``.

        Representative members are those nearest the theme's centre (the mean of its members'
        unit embeddings, by cosine), each from a new participant (and site) where possible,
        as discovery picks a candidate's quotes. Never the first members by id: those are
        whatever the numbering put first, and may be the theme's strays. The vectors are the
        ones the study's runs cached (no model is loaded); members without one come after,
        in transcript order. With no vectors at all, the theme's candidate's representatives
        still in it come first, then the members in transcript order. Kept until the theme's
        members or exemplars, the segments or the runs change.
        """
        theme = self.codebook().theme(theme_id)
        key = (self.store.data_version(), tuple(theme.exemplars), frozenset(theme.members), n)
        held = self._quotes.get(theme_id)
        if held is not None and held[0] == key:
            return list(held[1])
        position = self._position()
        exemplars = [s for s in theme.exemplars if s in position]
        members = sorted((s for s in theme.members if s in position), key=position.__getitem__)
        picked = set(exemplars)
        rest = [s for s in members if s not in picked]
        wanted = max(0, n - len(exemplars))
        chosen = self._central(members, rest, wanted) if wanted else []
        if chosen is None:  # no vectors: the candidate's own representatives, then transcript order
            parsed = parse_candidate_id(theme.origin, None)  # "R1-C03"; None for "created", "split of ..."
            found: list[str] = []
            if parsed is not None:
                try:
                    found = next((c.representatives for c in self._run(parsed[0]).candidates
                                  if c.number == parsed[1]), [])
                except StudyError:  # the run is gone from the store: transcript order alone
                    found = []
            kept = [s for s in found if s in rest]
            chosen = [*kept, *(s for s in rest if s not in kept)][:wanted]
        self._quotes[theme_id] = (key, [*exemplars, *chosen])
        return [*exemplars, *chosen]

    def _central(self, members: Sequence[str], rest: Sequence[str], wanted: int) -> list[str] | None:
        """Up to ``wanted`` of ``rest`` nearest the centre of ``members``, new participants first.

        Participants are varied only among the nearer half of the members: one person's
        quote near the centre says more about the theme than a stray's that happens to be
        another person's. None when no run's cached vectors cover any member. Each run's
        model, weights and backend name the cache its vectors are under; the one covering
        most members is used.
        """
        import numpy as np

        from .discover import Doc, representatives
        from .embed import cache_key
        from .segments import sha256_text

        index = self.segment_index()
        hashes = {s: sha256_text(index[s].text) for s in members}
        vectors: dict[str, bytes] = {}
        for run_key in dict.fromkeys(cache_key(r.model_name, r.model_sha256, r.backend)
                                     for r in reversed(self.runs())):
            found = self.store.cached_vectors(run_key, hashes.values())
            if len(found) > len(vectors):
                vectors = found
        have = [s for s in members if hashes[s] in vectors]
        if not have:
            return None
        unit = np.stack([np.frombuffer(vectors[hashes[s]], dtype=np.float32) for s in have])
        unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
        centre = unit.mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        similarity = dict(zip(have, (unit @ centre).tolist(), strict=True))
        ranked = sorted((s for s in rest if s in similarity), key=lambda s: -similarity[s])  # stable: ties in order
        nearer = ranked[:max(wanted, (len(ranked) + 1) // 2)]
        docs = {s: Doc(s, index[s].text, index[s].participant_id, index[s].site) for s in nearer}
        # Discovery's choice of a candidate's quotes (new participants, then new sites), among the nearer half.
        chosen = representatives([(s, similarity[s]) for s in nearer], docs, limit=wanted)[:wanted]
        taken = set(chosen)
        spare = [s for s in ranked if s not in taken] + [s for s in rest if s not in similarity]
        return [*chosen, *spare][:wanted]

    def turns_before(self) -> dict[str, SegmentRow]:
        """Each segment's preceding turn in its transcript: the question an answer answers.

        A turn cut into parts is given whole (its parts' words joined, as the last part's row),
        and the parts of a long answer share one turn before. Kept until the segments change,
        so a page of quotes shows their context without searching the study for each.
        """
        version = self.store.data_version()
        if self._before is None or self._before[0] != version:
            before: dict[str, SegmentRow] = {}
            previous: list[SegmentRow] = []  # the parts of the turn before the current one
            current: list[SegmentRow] = []  # the parts of the current turn so far
            for row in self.rows():
                if current and (row.transcript_id != current[-1].transcript_id or row.turn != current[-1].turn):
                    previous = current if row.transcript_id == current[-1].transcript_id else []
                    current = []
                current.append(row)
                if previous:
                    whole = previous[-1] if len(previous) == 1 else replace(
                        previous[-1], text=" ".join(p.text for p in previous))
                    before[row.id] = whole
            self._before = (version, before)
        return self._before[1]

    def context(self, segment_id: str, around: int = 2) -> list[SegmentRow]:
        """The turns before and after a segment in its transcript, the segment included."""
        rows = self.rows()
        position = next((i for i, r in enumerate(rows) if r.id == segment_id), None)
        if position is None:
            raise StudyError(f"no segment {segment_id!r} in the study")
        transcript = rows[position].transcript_id
        start, end = max(0, position - around), min(len(rows), position + around + 1)
        return [r for r in rows[start:end] if r.transcript_id == transcript]

    def projection(self, progress: Progress | None = None, compute: bool = True) -> dict[str, tuple[float, float]]:
        """Every participant segment's place on a 2-D map (computed once, then kept; with
        ``compute`` False, only a layout already kept, or nothing).

        Finding the kept layout hashes every segment's text and reads every point: holding
        it took switching to the map on 20,000 segments from 368 to 157 ms
        (benchmarks/bench_app.py). So a layout found is held here until the segments change;
        "none yet" is not held, since another session may lay the map out meanwhile.
        """
        from .discovery_runs import projection

        version = self.store.data_version()
        if self._projection is not None and self._projection[0] == version:
            return self._projection[1]
        found = projection(self.store, SegmentFilter(include_interviewer=False).apply(self.rows()), progress, compute)
        if found:
            self._projection = (version, found)
        return found

    def participants(self) -> list[Participant]:
        return self.store.participants()

    # --- discovery -------------------------------------------------------------------
    def discover(self, params: DiscoveryParams = DiscoveryParams(), by: str | None = None,
                 backend: str = DEFAULT_BACKEND, progress: Progress | None = None) -> RunRecord:
        """Propose candidate themes among the segments no accepted theme holds, and record the run.

        Accepted themes are the researchers' and are never touched by a run: their segments
        are left out of clustering, and the rest are scored against them as suggestions.
        """
        from .discovery_runs import run_discovery

        book = self.codebook()
        themes = {t.id: set(t.members) for t in book.themes.values()}
        # A theme without members yet (imported, or created by hand) is described by its words.
        described = {t.id: ". ".join(x for x in (t.name, t.definition, t.inclusion) if x)
                     for t in book.themes.values() if not t.members}
        run_id, _ = run_discovery(self.store, check_name(by or default_researcher()), params, self.store.segment_rows(),
                                  backend, progress, themes, described)
        run = self.store.run(run_id)
        assert run is not None
        return run

    def runs(self) -> list[RunRecord]:
        return self.store.runs()

    def latest_run(self) -> RunRecord:
        run_id = self.store.latest_run_id()
        if run_id is None:
            raise StudyError(f"{self.location}: no discovery run yet; run 'workbench discover --study ...' first")
        run = self.store.run(run_id)
        assert run is not None
        return run

    def _run(self, run_id: int | None) -> _RunData:
        """A run with its candidates, assignments and suggestions; runs never change, so each
        is read from the store once per facade (the app keeps one facade per session)."""
        if run_id is None:
            run_id = self.store.latest_run_id()
            if run_id is None:
                raise StudyError(f"{self.location}: no discovery run yet; run 'workbench discover --study ...' first")
        found = self._runs.get(run_id)
        if found is None:
            run = self.store.run(run_id)
            if run is None:
                raise StudyError(f"{self.location}: no discovery run {run_id}")
            found = _RunData(run, self.store.candidates(run_id), self.store.assignments(run_id),
                             self.store.theme_suggestions(run_id))
            self._runs[run_id] = found
        return found

    def candidates(self, run_id: int | None = None) -> tuple[RunRecord, list[CandidateRecord]]:
        data = self._run(run_id)
        return data.run, data.candidates

    def assignments(self, run_id: int | None = None) -> tuple[RunRecord, list[AssignmentRecord]]:
        data = self._run(run_id)
        return data.run, data.assignments

    def overview(self) -> Overview:
        version = self.store.data_version()
        if self._overview is None or self._overview[0] != version:
            self._overview = (version, overview(self.rows(), [p.id for p in self.store.participants()]))
        return self._overview[1]

    # --- the decision log ------------------------------------------------------------------
    def log(self) -> Log:
        """The log and the codebook it adds up to, applying only events not seen before."""
        if self._log is None:
            events = self.store.events()
            try:
                self._log = Log.replay(events)
            except DecisionError as exc:
                raise StudyError(f"{self.location}: the decision log does not replay ({exc}); run 'workbench log "
                                 "verify' and report it") from None
            return self._log
        self._catch_up(self._log, self.store.events(after=self._log.seq))
        return self._log

    def codebook(self) -> Codebook:
        return self.log().codebook

    def _catch_up(self, log: Log, fresh: list[Event]) -> None:
        for event in fresh:
            try:
                log.append(event)
            except DecisionError as exc:
                self._log = None
                raise StudyError(f"{self.location}: the decision log does not replay at event #{event.seq} ({exc}); "
                                 "run 'workbench log verify' and report it") from None

    def events(self) -> list[Event]:
        return self.store.events()

    def verify_log(self, head: str | None = None, against: Path | None = None) -> list[str]:
        """Problems with the log's hash chain (empty when intact), then with its replay.

        The chain alone is checked against the head the database records beside it, which
        whoever can rewrite the log can rewrite too. ``head`` (as ``log_head_line`` printed
        it, recorded elsewhere) and ``against`` (an earlier log export) add the check that
        the log still extends what the team holds outside the database.
        """
        from .log_anchor import export_problems, head_problems, parse_head, read_export

        recorded = parse_head(head) if head is not None else None
        earlier = None
        if against is not None:
            try:
                earlier = read_export(against.read_text(encoding="utf-8"), str(against))
            except OSError as exc:
                raise InputError(str(against), f"cannot be read ({exc.strerror})", "check the path") from None
            except UnicodeDecodeError:
                raise InputError(str(against), "is not UTF-8 text",
                                 "give the unedited file 'workbench log export' wrote") from None
        found = self.store.events()
        problems = chain_problems(found, self.store.log_head())
        if not problems:
            try:
                Log.replay(found)
            except DecisionError as exc:
                problems.append(f"the chain is intact but does not replay: {exc}")
        if recorded is not None:
            problems += head_problems(found, recorded)
        if earlier is not None:
            problems += export_problems(found, earlier[1], earlier[0], str(against))
        return problems

    def log_head_line(self) -> tuple[Event, str] | None:
        """The last event and the one line naming it, for a team to record outside the database (None: no events)."""
        from .log_anchor import head_line

        found = self.store.events()
        if not found:
            return None
        return found[-1], head_line(self.store.meta().get("name", "study"), found[-1].seq, found[-1].hash)

    def decide(self, kind: str, build: Callable[[Log], dict[str, Any]], by: str | None = None,
               why: str = "", client_id: str | None = None) -> Event:
        """Append one decision: validated against the codebook as it stands inside the write.

        ``build`` makes the payload from the up-to-date log (so ids such as T-007 are issued
        inside the transaction, where no other researcher can take them). Two researchers
        deciding at once queue on the write lock; the second is validated against the first's
        decision, and refused with the reason if it no longer applies. With ``client_id`` (or
        inside ``once``), a decision already recorded under that id is returned, not repeated.
        """
        by = (by or default_researcher()).strip()
        if not by:
            raise DecisionError("name who is deciding", flag="--by")
        return self._record([(kind, build)], by, why, client_id)[0]

    def decide_all(self, steps: Sequence[tuple[str, Callable[[Log], dict[str, Any]]]], by: str | None = None,
                   why: str = "", client_id: str | None = None) -> list[Event]:
        """Several decisions as one action: all appended in one transaction, or none.

        With ``client_id``, an action already recorded under it returns its events instead.
        """
        by = (by or default_researcher()).strip()
        if not by:
            raise DecisionError("name who is deciding", flag="--by")
        return self._record(steps, by, why, client_id) if steps else []

    @contextmanager
    def once(self, client_id: str | None) -> Iterator[Once]:
        """The next decision made inside carries ``client_id``: recorded once, however often it is retried.

        A command killed after its commit, or a form submitted twice, is retried with the
        same id, and gets back what was recorded (``Once.repeated``) instead of a copy.
        """
        outer, self._once = self._once, Once(_client_id(client_id))
        try:
            yield self._once
        finally:
            self._once = outer

    def _record(self, steps: Sequence[tuple[str, Callable[[Log], dict[str, Any]]]], by: str, why: str,
                client_id: str | None) -> list[Event]:
        """Seal the steps and append them in one write transaction, holding the lock as briefly as can be.

        Several steps (a codebook import of thousands of codes) are built, validated and
        hashed against the log as last read, before the lock; inside it only a check that
        nobody decided meanwhile, and one insert. If somebody did, they are sealed again
        inside the lock, against exactly the decisions they follow. One step is sealed inside.
        """
        client_id = self._take_client_id(client_id)
        if client_id is not None and (found := self.store.recorded(client_id)):
            return self._repeated(client_id, found)
        applied: list[Event] = []  # on self._log, and not yet stored: rebuild the log if it fails
        start: int | None = None
        try:
            if len(steps) > 1:
                log = self.log()
                start = log.seq
                _seal_all(log, steps, by, why, applied)
            with self.store.write(by, steps[0][0]) as tx:
                if client_id is not None and (found := tx.recorded(client_id)):
                    if applied:
                        self._log = None
                    return self._repeated(client_id, found)
                if start is None or tx.events_after(start):  # sealed inside, or someone decided meanwhile
                    if applied:
                        self._log, applied = None, []
                    log = self._log if self._log is not None else Log()
                    self._log = log
                    self._catch_up(log, tx.events_after(log.seq))
                    _seal_all(log, steps, by, why, applied)
                tx.append_events(applied, client_id)
        except BaseException:
            if applied:  # the state is ahead of what was stored: rebuild it next time
                self._log = None
            raise
        return applied

    def _take_client_id(self, client_id: str | None) -> str | None:
        if client_id is not None:
            return _client_id(client_id)
        once = self._once
        if once is None or once.taken:
            return None
        once.taken = True
        return once.client_id

    def _repeated(self, client_id: str, found: list[Event]) -> list[Event]:
        if self._once is not None and self._once.client_id == client_id:
            self._once.repeated = found
        return found

    def import_codebook(self, path: Path, by: str | None = None, why: str = "",
                        client_id: str | None = None) -> tuple[list[Event], list[str]]:
        """Seed themes from a codebook (.qdc or .csv): researcher-defined themes without members.

        Codes whose name is already a theme's are skipped and listed. Discovery then
        suggests segments for each by similarity to its name and definition. All codes are
        recorded in one transaction or none; a retry with the same ``client_id`` returns
        the themes the first import created.
        """
        from .codebook_import import read_codebook

        client_id = self._take_client_id(client_id)
        if client_id is not None and (found := self.store.recorded(client_id)):
            return self._repeated(client_id, found), []
        codes = read_codebook(path)
        existing = {t.name.casefold() for t in self.codebook().themes.values()}
        fresh = [c for c in codes if c.name.casefold() not in existing]
        skipped = [c.name for c in codes if c.name.casefold() in existing]
        steps = [("create", lambda log, c=c: {
            "theme": log.next_theme_id(), "name": c.name, "members": [], "definition": c.definition,
            "inclusion": c.inclusion, "exclusion": c.exclusion, "origin": f"imported from {path.name}"})
            for c in fresh]
        return (self.decide_all(steps, by, why or f"codebook imported from {path.name}", client_id)
                if steps else []), skipped

    # One method per decision, each through ``decide``.
    def _candidate(self, text: str) -> tuple[str, int, int]:
        parsed = parse_candidate_id(text, self.store.latest_run_id())
        if parsed is None:
            raise DecisionError(f"{text!r} is not a candidate (R1-C03, or C03 in the latest run)")
        run_id, number = parsed
        try:
            known = self._run(run_id).candidates
        except StudyError:
            known = []
        if not any(c.number == number for c in known):
            raise DecisionError(f"there is no candidate {candidate_id(run_id, number)}")
        return candidate_id(run_id, number), run_id, number

    def candidate_members(self, text: str) -> list[str]:
        """The segments a run assigned to a candidate (the unassigned are not members)."""
        _, run_id, number = self._candidate(text)
        return [a.segment_id for a in self._run(run_id).assignments if a.candidate == number]

    def _segments(self, ids: Sequence[str]) -> list[str]:
        wanted = [i.strip() for i in ids if i.strip()]
        if not wanted:
            raise DecisionError("name at least one segment")
        known = self.store.segment_owners(wanted)
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise DecisionError(f"no segment {unknown[0]!r} in the study" + (f" (and {len(unknown) - 1} more)"
                                                                           if len(unknown) > 1 else ""))
        return list(dict.fromkeys(wanted))

    def accept(self, candidate: str, name: str | None = None, by: str | None = None, why: str = "") -> Event:
        """Accept a candidate as a theme with a new id and the candidate's members."""
        cid, run_id, number = self._candidate(candidate)
        label = next(c.label for c in self._run(run_id).candidates if c.number == number)
        members = self.candidate_members(cid)
        return self.decide("accept", lambda log: {"candidate": cid, "theme": log.next_theme_id(),
                                                  "name": (name or label).strip(), "members": members}, by, why)

    def reject(self, candidate: str, by: str | None = None, why: str = "") -> Event:
        cid, _, _ = self._candidate(candidate)
        return self.decide("reject", lambda log: {"candidate": cid}, by, why)

    def create_theme(self, name: str, members: Sequence[str] = (), definition: str = "", inclusion: str = "",
                     exclusion: str = "", origin: str = "created", by: str | None = None, why: str = "") -> Event:
        """A theme the researchers bring themselves (deductive codes, an imported codebook)."""
        chosen = self._segments(members) if members else []
        return self.decide("create", lambda log: {
            "theme": log.next_theme_id(), "name": name, "members": chosen, "definition": definition,
            "inclusion": inclusion, "exclusion": exclusion, "origin": origin}, by, why)

    def rename(self, theme: str, name: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("rename", lambda log: {"theme": theme, "name": name}, by, why)

    def merge(self, sources: Sequence[str], into: str, name: str | None = None, by: str | None = None,
              why: str = "") -> Event:
        """Merge themes or candidates into a theme; into a candidate, accepting it as a new theme."""
        if not sources:
            raise DecisionError("name at least one theme or candidate to merge")
        items = [{"id": s} if is_theme_id(s) else {"id": self._candidate(s)[0], "members": self.candidate_members(s)}
                 for s in sources]
        if is_theme_id(into):
            return self.decide("merge", lambda log: {"into": into, "sources": items}, by, why)
        cid, run_id, number = self._candidate(into)
        label = next(c.label for c in self._run(run_id).candidates if c.number == number)
        members = self.candidate_members(cid)
        return self.decide("merge", lambda log: {"into": cid, "theme": log.next_theme_id(), "name": name or label,
                                                 "members": members, "sources": items}, by, why)

    def propose_split(self, item: str, parts: int | None = None,
                      progress: Progress | None = None) -> list[ProposedPart]:
        """Sub-groups of a theme's (or candidate's) members, re-clustered, to confirm or edit.

        The members' vectors are those their run stored: a candidate's run's backend, or for a
        theme the latest run's. With the default backend always, a quick-look (int8) run's
        candidate was embedded again at full precision before it could be split (14 s instead
        of 6.5 s for 161 segments). ``progress`` hears each stage, then the clustering's.
        """
        from .discover import Doc, propose_split
        from .discovery_runs import embed_segments
        from .embed import Encoder, load_model

        if progress:
            progress(0, 1, "looking up stored embeddings")
        if is_theme_id(item):
            members = set(self.codebook().theme(item).members)
            run_id = self.store.latest_run_id()
        else:
            members = set(self.candidate_members(item))
            run_id = self._candidate(item)[1]
        backend = self._run(run_id).run.backend if run_id is not None else DEFAULT_BACKEND
        rows = [r for r in self.rows() if r.id in members]

        def embedding(done: int, total: int, what: str) -> None:
            if progress:
                progress(0, 1, f"embedding {total} segments not embedded before ({done} done)")

        vectors, _ = embed_segments(self.store, Encoder(load_model(), backend), rows,  # type: ignore[arg-type]
                                    embedding)
        return propose_split([Doc(r.id, r.text) for r in rows], vectors, parts, progress)

    def split(self, theme: str, parts: Sequence[tuple[str, Sequence[str]]], by: str | None = None,
              why: str = "") -> Event:
        """Replace a theme by parts (name, members) that share out all of its members."""
        return self.decide("split", lambda log: {"theme": theme, "parts": [
            {"theme": log.next_theme_id(i), "name": name, "members": list(members)}
            for i, (name, members) in enumerate(parts)]}, by, why)

    def accept_in_parts(self, candidate: str, parts: Sequence[tuple[str, Sequence[str]]], by: str | None = None,
                        why: str = "") -> list[Event]:
        """Accept a candidate and split it at once: the accept then the split, in one transaction.

        Both or neither: a split refused (parts that do not share out the members) leaves
        no accept behind, and nothing can come between the two events.
        """
        if not why.strip():
            raise DecisionError("a reason is required to split: say why", flag="--why")
        if len(parts) < 2:
            raise DecisionError("a split needs at least two parts")
        cid, run_id, number = self._candidate(candidate)
        label = next(c.label for c in self._run(run_id).candidates if c.number == number)
        members = self.candidate_members(cid)
        created: dict[str, str] = {}

        def accept(log: Log) -> dict[str, Any]:
            created["theme"] = log.next_theme_id()
            return {"candidate": cid, "theme": created["theme"], "name": label.strip(), "members": members}

        def split(log: Log) -> dict[str, Any]:
            return {"theme": created["theme"], "parts": [
                {"theme": log.next_theme_id(i), "name": name, "members": list(part)}
                for i, (name, part) in enumerate(parts)]}

        return self.decide_all([("accept", accept), ("split", split)], by, why)

    def move(self, segments: Sequence[str], source: str, target: str, by: str | None = None, why: str = "") -> Event:
        chosen = self._segments(segments)
        return self.decide("move", lambda log: {"segments": chosen, "from": source, "to": target}, by, why)

    def assign(self, segments: Sequence[str], theme: str, by: str | None = None, why: str = "") -> Event:
        chosen = self._segments(segments)
        return self.decide("assign", lambda log: {"segments": chosen, "theme": theme}, by, why)

    def dismiss(self, segments: Sequence[str], by: str | None = None, why: str = "") -> Event:
        """Take segments out of the triage queue: read, and judged to belong to no theme."""
        ids = self._segments(segments)
        return self.decide("dismiss", lambda log: {"segments": ids}, by, why)

    def unassign(self, segments: Sequence[str], theme: str, by: str | None = None, why: str = "") -> Event:
        chosen = self._segments(segments)
        return self.decide("unassign", lambda log: {"segments": chosen, "theme": theme}, by, why)

    def define(self, theme: str, definition: str | None = None, inclusion: str | None = None,
               exclusion: str | None = None, exemplars: Sequence[str] | None = None, by: str | None = None,
               why: str = "") -> Event:
        """Set a theme's definition; fields left as None keep their current value."""
        def build(log: Log) -> dict[str, Any]:
            current = log.codebook.theme(theme)
            return {"theme": theme,
                    "definition": current.definition if definition is None else definition,
                    "inclusion": current.inclusion if inclusion is None else inclusion,
                    "exclusion": current.exclusion if exclusion is None else exclusion,
                    "exemplars": list(current.exemplars if exemplars is None else exemplars)}
        return self.decide("define", build, by, why)

    def map_theme(self, theme: str, node: str, note: str = "", by: str | None = None, why: str = "") -> Event:
        """Tie a theme to a logic-model node, with a note on how it evidences it."""
        return self.decide("map", lambda log: {"theme": theme, "node": node, "note": note}, by, why)

    def unmap_theme(self, theme: str, node: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("unmap", lambda log: {"theme": theme, "node": node}, by, why)

    def map_themes(self, themes: Sequence[str], node: str, note: str = "", by: str | None = None,
                   why: str = "") -> list[Event]:
        """Tie several themes to a node at once: one map event each, all recorded or none.

        A researcher who sees five themes evidencing one mechanism maps them in one action;
        if any cannot be mapped (merged away a moment ago, already mapped), nothing is.
        """
        return self._all_or_none("map", themes, lambda t: {"theme": t, "node": node, "note": note}, by, why)

    def unmap_themes(self, themes: Sequence[str], node: str, by: str | None = None, why: str = "") -> list[Event]:
        """Untie several themes from a node at once: one unmap event each, all recorded or none."""
        return self._all_or_none("unmap", themes, lambda t: {"theme": t, "node": node}, by, why)

    def _all_or_none(self, kind: str, themes: Sequence[str], payload: Callable[[str], dict[str, Any]],
                     by: str | None, why: str) -> list[Event]:
        chosen = list(dict.fromkeys(themes))
        if not chosen:
            raise DecisionError("choose at least one theme")
        if not (by or default_researcher()).strip():
            raise DecisionError("name who is deciding", flag="--by")
        return self.decide_all([(kind, lambda log, t=t: payload(t)) for t in chosen], by, why)

    def memo(self, text: str, theme: str | None = None, segment: str | None = None, by: str | None = None,
             why: str = "") -> Event:
        if segment:
            self._segments([segment])
        return self.decide("memo", lambda log: {"text": text, "theme": theme or "", "segment": segment or ""},
                           by, why)

    def _item(self, item: str) -> str:
        return item if is_theme_id(item) else self._candidate(item)[0]

    def vote(self, session: str, item: str, vote: str, by: str | None = None, why: str = "") -> Event:
        """A reviewer's own verdict on a theme or candidate in a validation session (one of VOTES)."""
        chosen = self._item(item)
        return self.decide("vote", lambda log: {"session": session, "item": chosen, "vote": vote}, by, why)

    def adjudicate(self, session: str, item: str, outcome: str, by: str | None = None, why: str = "") -> Event:
        """The outcome a session agreed for an item its reviewers voted on."""
        chosen = self._item(item)
        if not any(s == session and i == chosen for s, i, _ in self.codebook().votes):
            raise DecisionError(f"nobody voted on {chosen} in session {session!r}: adjudicate an item the "
                                "session's reviewers voted on (see 'workbench analyse agreement')")
        return self.decide("adjudicate", lambda log: {"session": session, "item": chosen, "outcome": outcome},
                           by, why)

    def revert(self, seq: int, by: str | None = None, why: str = "") -> Event:
        return self.decide("revert", lambda log: {"event": seq}, by, why)

    def triage(self, run_id: int | None = None) -> list[tuple[AssignmentRecord, list[tuple[str, float]]]]:
        """The run's unassigned segments no theme holds, each with the themes it is nearest.

        Nearest themes come from the run's suggestions and from what became of the nearest
        candidate (accepted as, or merged into, a theme), best first.
        """
        run, assigned = self.assignments(run_id)
        book = self.codebook()
        suggested: dict[str, list[tuple[str, float]]] = {}
        for seg, theme, sim in self._run(run.id).suggestions:
            if theme in book.themes:
                suggested.setdefault(seg, []).append((theme, sim))
        queue = []
        for a in assigned:
            if a.candidate != -1 or book.themes_of(a.segment_id) or a.segment_id in book.dismissed:
                continue
            near = dict(suggested.get(a.segment_id, []))
            fate = book.candidates.get(candidate_id(run.id or 0, a.nearest), "")
            theme = fate.rsplit(" ", 1)[-1] if fate.startswith(("accepted as", "merged into")) else ""
            if theme in book.themes:
                near[theme] = max(near.get(theme, 0.0), a.nearest_similarity)
            queue.append((a, sorted(near.items(), key=lambda kv: -kv[1])))
        return queue

    def theme_suggestions(self, run_id: int | None = None) -> list[tuple[str, str, float]]:
        """(segment, theme, similarity) for the run's unassigned segments, leaving out those dismissed from triage."""
        dismissed = self.codebook().dismissed
        return [s for s in self._run(run_id).suggestions if s[0] not in dismissed]

    # --- the logic model ---------------------------------------------------------------
    def logic_model(self) -> LogicModel | None:
        return self.codebook().model

    def _load_model(self, model: LogicModel, source: str, by: str | None, why: str) -> Event:
        return self.decide("model", lambda log: {"model": model.as_data(), "source": source}, by, why)

    def load_logic_model(self, path: Path, by: str | None = None, why: str = "") -> Event:
        """Load (or replace) the study's logic model from a YAML file."""
        from .logic_model import load_yaml

        return self._load_model(load_yaml(path), path.name, by, why)

    def export_logic_model(self) -> str:
        from .logic_model import dump_yaml

        model = self.logic_model()
        if model is None:
            raise StudyError(f"{self.location}: no logic model yet; load one with 'workbench model load FILE'")
        return dump_yaml(model, "Exported from the Theme Workbench: the study's logic model as it stands.")

    def add_node(self, node_id: str, node_type: str, label: str, description: str = "",
                 questions: Sequence[str] = (), by: str | None = None, why: str = "") -> Event:
        node = {"id": node_id, "type": node_type, "label": label, "description": description,
                "questions": list(questions)}
        return self.decide("node_add", lambda log: {"node": node}, by, why)

    def edit_node(self, node_id: str, node_type: str | None = None, label: str | None = None,
                  description: str | None = None, questions: Sequence[str] | None = None, by: str | None = None,
                  why: str = "") -> Event:
        """Change a node; fields left as None keep their value."""
        def build(log: Log) -> dict[str, Any]:
            model = log.codebook.model
            current = model.node(node_id) if model else None
            if current is None:
                raise DecisionError(f"the logic model has no node {node_id!r}")
            return {"node": {"id": node_id, "type": node_type or current.type, "label": label or current.label,
                             "description": current.description if description is None else description,
                             "questions": list(current.questions if questions is None else questions)}}
        return self.decide("node_edit", build, by, why)

    def remove_node(self, node_id: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("node_remove", lambda log: {"id": node_id}, by, why)

    def add_edge(self, source: str, target: str, label: str = "", by: str | None = None, why: str = "") -> Event:
        return self.decide("edge_add", lambda log: {"from": source, "to": target, "label": label}, by, why)

    def remove_edge(self, source: str, target: str, by: str | None = None, why: str = "") -> Event:
        return self.decide("edge_remove", lambda log: {"from": source, "to": target}, by, why)

    def coverage(self) -> Coverage:
        """For each node, the themes, segments, participants, sites and roles that evidence it."""
        from .logic_model import coverage

        model = self.logic_model()
        if model is None:
            raise StudyError(f"{self.location}: no logic model yet; load one with 'workbench model load FILE'")
        book = self.codebook()
        index = self.segment_index()
        who = {s: (r.participant_id, r.site, r.role) for s, r in index.items()}
        return coverage(model, {t.id: (t.nodes, t.members) for t in book.themes.values()}, who)

    # --- privacy -----------------------------------------------------------------------
    HIGH_SCORE = 0.7  # findings at least this sure are to be reviewed before quotes leave the study
    # The identifier scan reads every segment with a language model: seconds for a few thousand
    # segments. Its findings are kept for the process (every session's Study and Export pages ask
    # for the count), keyed by the study and a digest of its segments' words, so any change to a
    # segment's words scans again. A handful of studies' findings at most.
    _scans: ClassVar[dict[tuple[str, ...], list[Finding]]] = {}
    _SCANS_KEPT: ClassVar[int] = 8
    _words: tuple[list[SegmentRow], str] | None = None  # (the rows, a digest of their ids and words)

    def scan(self, names: Path | None = None, places: Path | None = None) -> list[tuple[SegmentRow, Finding]]:
        """Identifiers de-identification may have missed, in every segment (interviewers' too).

        Each finding's offsets are into its segment's text; the segment's own offsets place
        it in the transcript. Nothing is changed: fixing is the researcher's call. ``places`` is
        the study's own list of local places (estates, villages, wards), found wherever they occur.
        """
        from . import privacy

        local = privacy.read_places(places) if places is not None else None
        listed = privacy.read_names(names) if names is not None else None
        rows = self.rows()
        if self._words is None or self._words[0] is not rows:
            digest = hashlib.sha256()
            for row in rows:
                digest.update(f"{len(row.id)}:{row.id}{len(row.text)}:{row.text}".encode())
            self._words = (rows, digest.hexdigest())
        key = (self.store.url, self._words[1], *(hashlib.sha256(p.read_bytes()).hexdigest() if p else ""
                                                 for p in (names, places)))
        found = self._scans.get(key)
        if found is None:
            found = privacy.scan(((r.id, r.text) for r in rows), listed, local)
            if len(self._scans) >= self._SCANS_KEPT:
                self._scans.clear()  # one step, safe with sessions on other threads; the next visits scan again
            self._scans[key] = found
        index = self.segment_index()
        return [(index[f.segment_id], f) for f in found]

    @staticmethod
    def finding_key(finding: Finding) -> tuple[str, str, int, int, str]:
        """What names a finding for its reviews: segment, type, offsets and the SHA-256 of its text."""
        digest = hashlib.sha256(finding.text.encode("utf-8")).hexdigest()
        return finding.segment_id, finding.type, finding.start, finding.end, digest

    @staticmethod
    def finding_id(finding: Finding) -> str:
        """A short, stable id to mark a finding by: F- and 10 hex digits of a hash of its segment, type, offsets
        and text. The same words in the same place keep their id across scans; changed words get a new one."""
        import json

        named = json.dumps([finding.segment_id, finding.type, finding.start, finding.end, finding.text])
        return "F-" + hashlib.sha256(named.encode("utf-8")).hexdigest()[:10]

    def reviews(self) -> dict[tuple[str, str, int, int, str], FindingReview]:
        """The latest review of each finding ever reviewed, by ``finding_key``."""
        return {r.key: r for r in self.store.finding_reviews()}

    def review_history(self) -> list[FindingReview]:
        """Every review of a finding, superseded ones too, in the order they were given."""
        return self.store.finding_reviews(latest=False)

    def findings(self, names: Path | None = None,
                 places: Path | None = None) -> list[tuple[SegmentRow, Finding, str | None]]:
        """The scan's findings, each with its latest verdict ('identifier', 'false_alarm') or None if unreviewed."""
        verdicts = {k: r.verdict for k, r in self.reviews().items()}
        return [(row, f, verdicts.get(self.finding_key(f))) for row, f in self.scan(names, places)]

    def review_finding(self, segment_id: str, type: str, start: int, end: int, text: str, verdict: str,
                       by: str | None = None, note: str = "") -> FindingReview:
        """Record a researcher's verdict on a finding (``identifier`` or ``false_alarm``), in one transaction.

        The finding must still be there: the segment exists and holds ``text`` at ``start:end``.
        A later verdict on the same finding supersedes this one; neither is ever removed.
        """
        from .errors import WorkbenchError
        from .privacy import TYPES

        chosen, who = self._verdict(verdict, by)
        note = check_reason(note, "the note")
        if type not in TYPES:
            raise WorkbenchError(f"{type!r} is not a kind of finding the scan reports ({', '.join(TYPES)})")
        row = self.segment_index().get(segment_id)
        if row is None:
            raise StudyError(f"no segment {segment_id!r} in the study: scan again and review what it finds")
        if not 0 <= start < end <= len(row.text) or row.text[start:end] != text:
            there = (f"holds {row.text[start:end]!r} at {start}-{end}" if 0 <= start < end <= len(row.text)
                     else f"has no text at {start}-{end} (it is {len(row.text)} characters long)")
            raise ConflictError(f"segment {segment_id!r} {there}, not {text!r}: the segment has changed since it "
                                "was scanned; scan again and review what it finds")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self.store.write(who, "reviewing a scan finding") as tx:
            return tx.add_finding_review(segment_id, type, start, end, digest, chosen, who, note)

    @staticmethod
    def _verdict(verdict: str, by: str | None) -> tuple[str, str]:
        """(verdict as stored, who): 'false alarm' and 'false-alarm' are 'false_alarm'."""
        from .errors import WorkbenchError

        chosen = verdict.strip().lower().replace("-", "_").replace(" ", "_")
        if chosen not in VERDICTS:
            raise WorkbenchError(f"a finding is either an identifier or a false alarm, not {verdict!r}",
                                 flag="--verdict")
        who = (by or default_researcher()).strip()
        if not who:
            raise WorkbenchError("name who is reviewing", flag="--by")
        return chosen, check_name(who)

    def mark_finding(self, finding_id: str, verdict: str, by: str | None = None, note: str = "",
                     names: Path | None = None, places: Path | None = None) -> tuple[Finding, FindingReview]:
        """Record a verdict on the finding whose ``finding_id`` a scan (with these lists) gives now."""
        self._verdict(verdict, by)
        wanted = finding_id.strip().lower().removeprefix("f-")
        for _row, found in self.scan(names, places):
            if self.finding_id(found).lower().removeprefix("f-") == wanted:
                return found, self.review_finding(found.segment_id, found.type, found.start, found.end, found.text,
                                                  verdict, by, note)
        lists = " (a finding from a list of names or places is found only when the same list is given)"
        raise StudyError(f"no finding {finding_id!r} in the scan now: the segment may have changed; list the "
                         f"findings again{lists}")

    def unreviewed(self, min_score: float = HIGH_SCORE, segments: Iterable[str] | None = None) -> int:
        """How many findings at least ``min_score`` sure have no verdict yet (in ``segments``, or anywhere)."""
        inside = None if segments is None else set(segments)
        verdicts = self.reviews()
        return sum(1 for _row, f in self.scan() if f.score >= min_score and self.finding_key(f) not in verdicts
                   and (inside is None or f.segment_id in inside))

    def identifiers_left(self, segments: Iterable[str] | None = None) -> int:
        """How many findings marked as identifiers are still in the text (in ``segments``, or anywhere)."""
        inside = None if segments is None else set(segments)
        verdicts = self.reviews()
        return sum(1 for _row, f in self.scan()
                   if (r := verdicts.get(self.finding_key(f))) is not None and r.verdict == "identifier"
                   and (inside is None or f.segment_id in inside))

    def quoted_segments(self) -> set[str]:
        """The segments the codebook documents (CSV, XLSX, Markdown, Word) quote for their themes."""
        return {s for t in self.codebook().themes for s in self.quotes(t)}

    # --- analysis ----------------------------------------------------------------------
    def prevalence(self, by: str = "site") -> Prevalence:
        """Each theme's segments and participants per site, role or participant group."""
        from .analysis import prevalence

        themes = self.codebook().themes
        return prevalence({t: (themes[t].name, themes[t].members) for t in sorted(themes)}, self.rows(), by)

    def saturation(self, order_by: str | None = None, base: int = 4, run: int = 2,
                   threshold: float = 0.05) -> Saturation:
        """Whether later interviews still added themes; interviews in import order or by a column."""
        from .analysis import saturation, transcript_order

        rows = self.rows()
        order = transcript_order(rows, order_by) if order_by else self.store.import_order()
        themes = self.codebook().themes
        return saturation({t: themes[t].members for t in sorted(themes)}, rows, order, base, run, threshold)

    def sessions(self) -> list[tuple[str, int, int]]:
        """Validation sessions with votes: (name, reviewers, items)."""
        from .analysis import sessions

        return sessions(self.codebook().votes)

    def agreement(self, session: str) -> Agreement:
        """Agreement among a validation session's reviewers, and the items they disagree on."""
        from .analysis import agreement

        book = self.codebook()
        return agreement(session, {k: v for k, (v, _) in book.votes.items()},
                         {k: v for k, (v, _) in book.adjudications.items()}, book.retired)

    def item_name(self, item: str) -> str:
        """What a theme or candidate id stands for: the theme's name or the candidate's label."""
        book = self.codebook()
        if item in book.themes:
            return book.themes[item].name
        if item in book.retired:
            return f"({book.retired[item].reason})"
        fate = book.candidates.get(item)
        parsed = parse_candidate_id(item, None)
        if parsed is None:
            return ""
        try:
            found = {c.number: c.label for c in self._run(parsed[0]).candidates}
        except StudyError:
            return ""
        return found.get(parsed[1], "") + (f" ({fate})" if fate else "")

    # --- exchange ----------------------------------------------------------------------
    def uid(self) -> str:
        """A stable identifier for the study (its name and creation time), for export guids."""
        meta = self.store.meta()
        return f"{meta.get('name', '')}@{meta.get('created_at', '')}"

    def assignments_file(self, run_id: int | None = None) -> str:
        """A run's assignments as CSV, each segment with the themes that hold it now.

        One place for what the command line and the Export page both write.
        """
        from .export import assignments_csv

        return assignments_csv(self.assignments(run_id)[1], self.codebook().coded)

    def log_file(self, fmt: str) -> str:
        """The decision log as ``csv`` (for reading) or ``jsonl`` (exact, re-verifiable)."""
        from .export import log_csv, log_jsonl

        if fmt not in ("csv", "jsonl"):
            raise StudyError(f"the decision log can be written as csv or jsonl, not {fmt!r}")
        events = self.log().events
        return log_csv(events) if fmt == "csv" else log_jsonl(events)

    def codebook_file(self, fmt: str) -> bytes:
        """The codebook as it stands: csv, qdc or qdpx (REFI-QDA), xlsx, md or docx bytes."""
        from .refi import codebook_qdc

        book = self.codebook()
        if fmt == "csv":
            from .codebook_docs import entries, to_csv

            log = self.log()
            labels = {n.id: n.label for n in book.model.nodes} if book.model else {}
            members = {t.id: sorted(t.members) for t in book.themes.values()}
            said = {t: self.quotes(t) for t in book.themes}
            return to_csv(entries(log, self.segment_index(), labels, chosen=said), log, members).encode("utf-8")
        if fmt == "qdc":
            if not book.themes:
                raise StudyError(f"{self.location}: no themes yet: a REFI-QDA codebook needs at least one")
            log = self.log()
            return codebook_qdc(book, self.uid(), book.model,
                                origin=f"Theme Workbench; decision log event #{log.seq}, head {log.head}")
        if fmt == "qdpx":
            return self._project()
        if fmt in ("xlsx", "md", "docx"):
            from .codebook_docs import entries, to_docx, to_markdown, to_xlsx

            log = self.log()
            labels = {n.id: n.label for n in book.model.nodes} if book.model else {}
            items = entries(log, self.segment_index(), labels, chosen={t: self.quotes(t) for t in book.themes})
            title = f"Codebook: {self.store.meta().get('name', 'study')}"
            if fmt == "xlsx":
                return to_xlsx(items, log, self.uid())
            if fmt == "md":
                return to_markdown(items, log, self.uid(), title).encode("utf-8")
            return to_docx(items, log, self.uid(), title)
        raise StudyError(f"the codebook can be written as csv, qdc, qdpx, xlsx, md or docx, not {fmt!r}")

    def _project(self) -> bytes:
        """The study as a REFI-QDA project: transcripts, participants, themes and every coding."""
        from .refi import CaseInfo, SourceText, project_qdpx

        rows = self.rows()
        infos = {t.id: t for t in self.store.transcripts()}
        texts = self.store.transcript_texts(infos)
        by_transcript: dict[str, list[SegmentRow]] = {}
        for row in rows:
            by_transcript.setdefault(row.transcript_id, []).append(row)
        sources = [SourceText(t, texts[t], [(r.id, r.start, r.end) for r in by_transcript.get(t, [])],
                              infos[t].imported_at) for t in sorted(infos)]
        speaking: dict[str, set[str]] = {}
        for row in rows:
            if row.participant_id and not row.is_interviewer:
                speaking.setdefault(row.participant_id, set()).add(row.transcript_id)
        cases = [CaseInfo(p.id, {"site": p.site or "", "role": p.role or "",
                                 **{k: str(v) for k, v in p.attributes.items() if v not in (None, "")}},
                          sorted(speaking.get(p.id, set()))) for p in self.store.participants()]
        log = self.log()
        return project_qdpx(log, self.uid(), self.store.meta().get("name", "study"), sources, cases,
                            log.codebook.model)
