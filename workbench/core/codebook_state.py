"""The codebook: what the active decisions add up to, and the few ways a decision may change it.

The codebook is never stored: it is always the replay of the log (principle 2), so it can
be rebuilt, audited and verified from the log alone. This module holds the state (themes,
retired ids, candidates' fates, memos, votes, codings, the logic model) and the primitive
changes every kind shares (create, retire, add and remove members, check a name or a new
id). What each kind of decision does with them is in ``codebook_rules``, and which kinds
exist is the table in ``decision_kinds``, which ``decision_kinds.apply_event`` dispatches through.

Pure: no SQL, no Streamlit, no models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from workbench.core.decision_events import DecisionError, Event, is_theme_id

if TYPE_CHECKING:  # loaded where a logic model is read: its YAML and model classes slow every command's start
    from workbench.core.logic_model import LogicModel

__all__ = ["THEME_NAME_LIMIT", "Codebook", "Fate", "Memo", "Retired", "Theme", "few", "id_list", "text_field"]

THEME_NAME_LIMIT = 200  # a theme's name, as checked on create, accept, rename, merge and split


@dataclass
class Theme:
    id: str
    name: str
    members: set[str]
    origin: str  # the candidate it came from, "split of T-002", "created", ...
    created_seq: int
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    exemplars: list[str] = field(default_factory=list)
    nodes: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)  # logic-model node -> why the theme evidences it
    history: list[int] = field(default_factory=list)  # seqs of the events that touched it

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "size": len(self.members), "members": sorted(self.members),
                "origin": self.origin, "definition": self.definition, "inclusion": self.inclusion,
                "exclusion": self.exclusion, "exemplars": list(self.exemplars), "nodes": sorted(self.nodes),
                "notes": dict(sorted(self.notes.items())), "history": list(self.history)}


@dataclass(frozen=True)
class Memo:
    seq: int
    by: str
    at: str
    text: str
    theme: str | None
    segment: str | None


@dataclass(frozen=True)
class Retired:
    reason: str  # "merged into T-001", "split into T-004, T-005"
    seq: int
    by: str
    at: str


@dataclass(frozen=True)
class Fate:
    """What became of a discovery candidate: accepted as a theme, merged into one, or rejected.

    A value, so that whoever needs the theme reads ``theme`` instead of splitting a sentence
    apart again; ``str()`` gives the words the codebook has always shown ("accepted as
    T-001", "merged into T-002", "rejected"), so pages, messages and exports read as before.
    """

    status: Literal["accepted", "merged", "rejected"]
    theme: str | None = None  # the theme it became or went into; None when rejected

    def __str__(self) -> str:
        if self.status == "accepted":
            return f"accepted as {self.theme}"
        if self.status == "merged":
            return f"merged into {self.theme}"
        return "rejected"


def text_field(payload: Mapping[str, Any], key: str, *, required: bool = True, limit: int | None = None) -> str:
    """A text field of a payload, stripped; refused when it is not text, empty when required, or too long."""
    value = payload.get(key, "")
    if not isinstance(value, str):
        raise DecisionError(f"'{key}' must be text")
    value = value.strip()
    if required and not value:
        raise DecisionError(f"'{key}' is required")
    if limit and len(value) > limit:
        raise DecisionError(f"'{key}' is longer than {limit} characters")
    return value


def id_list(payload: Mapping[str, Any], key: str, *, allow_empty: bool = False) -> list[str]:
    """A list of segment ids in a payload: each named once, and at least one unless ``allow_empty``."""
    value = payload.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DecisionError(f"'{key}' must be a list of ids")
    if not value and not allow_empty:
        raise DecisionError(f"'{key}' is empty: name at least one segment")
    if len(set(value)) != len(value):
        raise DecisionError(f"'{key}' names a segment twice")
    return value


def few(items: Iterable[str], limit: int = 5) -> str:
    """Some ids for a message: the first ``limit`` in order, and how many more."""
    items = sorted(items)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class Codebook:
    """The researchers' codebook: what the active events add up to."""

    def __init__(self) -> None:
        self.themes: dict[str, Theme] = {}
        self.retired: dict[str, Retired] = {}
        self.candidates: dict[str, Fate] = {}  # candidate id -> what became of it (only those decided)
        self.memos: list[Memo] = []
        self.votes: dict[tuple[str, str, str], tuple[str, int]] = {}  # (session, item, researcher) -> (vote, seq)
        self.adjudications: dict[tuple[str, str], tuple[str, int]] = {}  # (session, item) -> (outcome, seq)
        self.coded: dict[str, set[str]] = {}  # segment -> the themes holding it
        self.dismissed: dict[str, int] = {}  # segment -> the event that took it out of triage
        self.model: LogicModel | None = None  # the programme theory, as loaded and edited
        # casefolded name -> the active theme called that: a name is checked against every theme on
        # each create and rename, and a loop over them made a 10,000-code import quadratic
        self._named: dict[str, str] = {}

    # --- reading -----------------------------------------------------------------------
    def themes_of(self, segment: str) -> set[str]:
        return set(self.coded.get(segment, ()))

    def theme(self, theme_id: str) -> Theme:
        """An active theme, or a message saying what became of it."""
        found = self.themes.get(theme_id)
        if found is not None:
            return found
        gone = self.retired.get(theme_id)
        if gone is not None:
            raise DecisionError(f"theme {theme_id} no longer exists: it was {gone.reason} by {gone.by} at "
                                f"{gone.at} (event #{gone.seq}); refresh and choose again")
        raise DecisionError(f"there is no theme {theme_id}")

    def snapshot(self) -> dict[str, Any]:
        """Everything in the codebook as plain data: for comparing states and for export."""
        return {
            "themes": {k: t.summary() for k, t in sorted(self.themes.items())},
            "retired": {k: r.reason for k, r in sorted(self.retired.items())},
            "candidates": {k: str(fate) for k, fate in sorted(self.candidates.items())},
            "memos": [m.seq for m in self.memos],
            "votes": sorted((*k, v) for k, (v, _) in self.votes.items()),
            "adjudications": sorted((*k, v) for k, (v, _) in self.adjudications.items()),
            "coded": {k: sorted(v) for k, v in sorted(self.coded.items()) if v},
            "dismissed": sorted(self.dismissed),
            "model": self.model.as_data() if self.model else None,
        }

    def mapped(self) -> dict[str, list[str]]:
        """Logic-model node -> the active themes mapped to it."""
        found: dict[str, list[str]] = {}
        for theme in sorted(self.themes.values(), key=lambda t: t.id):
            for node in sorted(theme.nodes):
                found.setdefault(node, []).append(theme.id)
        return found

    # --- the checks and changes every kind shares ------------------------------------------
    def new_theme_id(self, payload: Mapping[str, Any], issued: set[str], key: str = "theme") -> str:
        """The new theme id in ``payload[key]``: well formed, and never used before (ids are not reused)."""
        theme_id = text_field(payload, key)
        if not is_theme_id(theme_id):
            raise DecisionError(f"{theme_id!r} is not a theme id (T-001, T-002, ...)")
        if theme_id in issued or theme_id in self.themes or theme_id in self.retired:
            raise DecisionError(f"theme id {theme_id} has been used before; ids are never reused")
        return theme_id

    def suggested_name(self, label: str, candidate: str) -> str:
        """A candidate's label as a theme name, with the candidate's id added where a theme has the label.

        Labels are distinct within a run, but a theme from a split or an earlier run may already
        carry one ("early help"): the suggestion should not be a name the log will refuse.
        """
        return label if label.strip().casefold() not in self._named else f"{label} ({candidate})"

    def free_name(self, payload: Mapping[str, Any], ignore: Iterable[str] = ()) -> str:
        """The theme name in ``payload``, refused if an active theme (other than ``ignore``) has it."""
        name = text_field(payload, "name", limit=THEME_NAME_LIMIT)
        holder = self._named.get(name.casefold())
        if holder is not None and holder not in set(ignore):
            raise DecisionError(f"a theme called {name!r} already exists ({holder}); choose another name")
        return name

    def undecided(self, candidate: str) -> str:
        """A candidate id nobody has decided on yet."""
        if not candidate or is_theme_id(candidate):
            raise DecisionError(f"{candidate!r} is not a candidate id (R1-C03)")
        done = self.candidates.get(candidate)
        if done is not None:
            raise DecisionError(f"candidate {candidate} was already {done}")
        return candidate

    def add_members(self, theme: Theme, segments: Iterable[str]) -> None:
        for seg in segments:
            theme.members.add(seg)
            self.coded.setdefault(seg, set()).add(theme.id)
            self.dismissed.pop(seg, None)  # coded after all: no longer "belonging to no theme"

    def remove_members(self, theme: Theme, segments: Iterable[str]) -> None:
        for seg in segments:
            theme.members.discard(seg)
            holders = self.coded.get(seg)
            if holders is not None:
                holders.discard(theme.id)
                if not holders:
                    del self.coded[seg]
        theme.exemplars = [s for s in theme.exemplars if s in theme.members]

    def create_theme(self, event: Event, theme_id: str, name: str, members: Iterable[str], origin: str) -> Theme:
        theme = Theme(theme_id, name, set(), origin, event.seq, history=[event.seq])
        self.themes[theme_id] = theme
        self._named[name.casefold()] = theme_id
        self.add_members(theme, members)
        return theme

    def rename_theme(self, theme: Theme, name: str) -> None:
        if self._named.get(theme.name.casefold()) == theme.id:
            del self._named[theme.name.casefold()]
        theme.name = name
        self._named[name.casefold()] = theme.id

    def retire(self, theme: Theme, reason: str, event: Event) -> None:
        self.remove_members(theme, list(theme.members))
        del self.themes[theme.id]
        if self._named.get(theme.name.casefold()) == theme.id:
            del self._named[theme.name.casefold()]
        self.retired[theme.id] = Retired(reason, event.seq, event.by, event.at)
