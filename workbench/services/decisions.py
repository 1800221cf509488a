"""The payloads of the decisions that need more than their arguments: each checked, then built inside the write.

Every function here ends in ``Study.decide`` or ``Study.decide_all``: ids such as T-007
are issued by the ``build`` functions, from the log as it stands inside the transaction.
What is checked before (a candidate exists, a segment is in the study) is checked here,
so a refusal names what was wrong before anything is locked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from workbench.core.decisions import DecisionError, Event, Log, is_theme_id
from workbench.services.runs import candidate, candidate_label, candidate_members

if TYPE_CHECKING:
    from workbench.study import Study

__all__ = ["accept", "accept_in_parts", "accept_sub_candidates",
           "adjudicate", "all_or_none", "create_theme", "define", "edit_node", "item",
           "memo", "merge", "segments", "vote"]


def segments(study: Study, ids: Sequence[str]) -> list[str]:
    """The segments named, each once, in order; refused if none is named or one is not in the study."""
    wanted = [i.strip() for i in ids if i.strip()]
    if not wanted:
        raise DecisionError("name at least one segment")
    known = study.store.segment_owners(wanted)
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise DecisionError(f"no segment {unknown[0]!r} in the study" + (f" (and {len(unknown) - 1} more)"
                                                                       if len(unknown) > 1 else ""))
    return list(dict.fromkeys(wanted))


def item(study: Study, name: str) -> str:
    """A theme id as given, or a candidate's full id (R1-C03 for C03)."""
    return name if is_theme_id(name) else candidate(study, name)[0]


def accept(study: Study, chosen: str, name: str | None = None, by: str | None = None, why: str = "") -> Event:
    """Accept a candidate as a theme with a new id and the candidate's members."""
    cid, run_id, number = candidate(study, chosen)
    label = candidate_label(study, run_id, number)
    members = candidate_members(study, cid)
    chosen = name or study.codebook().suggested_name(label, cid)
    return study.decide("accept", lambda log: {"candidate": cid, "theme": log.next_theme_id(),
                                               "name": chosen.strip(), "members": members}, by, why)


def create_theme(study: Study, name: str, members: Sequence[str] = (), definition: str = "", inclusion: str = "",
                 exclusion: str = "", origin: str = "created", by: str | None = None, why: str = "") -> Event:
    """A theme the researchers bring themselves (deductive codes, an imported codebook)."""
    chosen = segments(study, members) if members else []
    return study.decide("create", lambda log: {
        "theme": log.next_theme_id(), "name": name, "members": chosen, "definition": definition,
        "inclusion": inclusion, "exclusion": exclusion, "origin": origin}, by, why)


def merge(study: Study, sources: Sequence[str], into: str, name: str | None = None, by: str | None = None,
          why: str = "") -> Event:
    """Merge themes or candidates into a theme; into a candidate, accepting it as a new theme."""
    if not sources:
        raise DecisionError("name at least one theme or candidate to merge")
    items = [{"id": s} if is_theme_id(s) else {"id": candidate(study, s)[0], "members": candidate_members(study, s)}
             for s in sources]
    if is_theme_id(into):
        return study.decide("merge", lambda log: {"into": into, "sources": items}, by, why)
    cid, run_id, number = candidate(study, into)
    label = candidate_label(study, run_id, number)
    members = candidate_members(study, cid)
    return study.decide("merge", lambda log: {"into": cid, "theme": log.next_theme_id(), "name": name or label,
                                              "members": members, "sources": items}, by, why)


def accept_in_parts(study: Study, chosen: str, parts: Sequence[tuple[str, Sequence[str]]], by: str | None = None,
                    why: str = "") -> list[Event]:
    """Accept a candidate and split it at once: the accept then the split, in one transaction.

    Both or neither: a split refused (parts that do not share out the members) leaves
    no accept behind, and nothing can come between the two events.
    """
    if not why.strip():
        raise DecisionError("a reason is required to split: say why", flag="--why")
    if len(parts) < 2:
        raise DecisionError("a split needs at least two parts")
    cid, run_id, number = candidate(study, chosen)
    label = candidate_label(study, run_id, number)
    members = candidate_members(study, cid)
    book = study.codebook()
    created: dict[str, str] = {}

    def accepted(log: Log) -> dict[str, Any]:
        created["theme"] = log.next_theme_id()
        return {"candidate": cid, "theme": created["theme"], "name": book.suggested_name(label, cid).strip(),
                "members": members}

    def split(log: Log) -> dict[str, Any]:
        return {"theme": created["theme"], "parts": [
            {"theme": log.next_theme_id(i), "name": name, "members": list(part)}
            for i, (name, part) in enumerate(parts)]}

    return study.decide_all([("accept", accepted), ("split", split)], by, why)


def accept_sub_candidates(study: Study, chosen: str, by: str | None = None, why: str = "") -> list[Event]:
    """Accept a candidate as one theme for each of its sub-candidates (an accept and a split, together).

    The sub-candidates are the run's own (``services.runs.sub_candidates``): nothing is
    clustered again, and the parts share out exactly the candidate's members.
    """
    from workbench.services.runs import sub_candidates

    found = sub_candidates(study, chosen)
    if len(found) < 2:
        raise DecisionError(f"{item(study, chosen)} has no sub-candidates to accept: its run found none inside it "
                            "(propose a split instead: workbench propose-split)")
    book, cid = study.codebook(), item(study, chosen)
    parts = [(book.suggested_name(str(s["label"]), f"{cid} part {i}"), [str(m[0]) for m in s["members"]])  # type: ignore[union-attr]
             for i, s in enumerate(found, start=1)]
    return accept_in_parts(study, chosen, parts, by, why)


def define(study: Study, theme: str, definition: str | None = None, inclusion: str | None = None,
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
    return study.decide("define", build, by, why)


def all_or_none(study: Study, kind: str, themes: Sequence[str], payload: Callable[[str], dict[str, Any]],
                by: str | None, why: str) -> list[Event]:
    """One ``kind`` event per theme (each named once), all recorded or none (``map_themes``, ``unmap_themes``).

    Who is deciding is checked by ``decide_all``, as for every decision.
    """
    chosen = list(dict.fromkeys(themes))
    if not chosen:
        raise DecisionError("choose at least one theme")
    return study.decide_all([(kind, lambda log, t=t: payload(t)) for t in chosen], by, why)


def memo(study: Study, text: str, theme: str | None = None, segment: str | None = None, by: str | None = None,
         why: str = "") -> Event:
    """A note on the study, a theme or a segment (which must be in the study)."""
    if segment:
        segments(study, [segment])
    return study.decide("memo", lambda log: {"text": text, "theme": theme or "", "segment": segment or ""},
                        by, why)


def vote(study: Study, session: str, named: str, verdict: str, by: str | None = None, why: str = "") -> Event:
    """A reviewer's own verdict on a theme or candidate in a validation session (one of VOTES)."""
    chosen = item(study, named)
    return study.decide("vote", lambda log: {"session": session, "item": chosen, "vote": verdict}, by, why)


def adjudicate(study: Study, session: str, named: str, outcome: str, by: str | None = None, why: str = "") -> Event:
    """The outcome a session agreed for an item its reviewers voted on."""
    chosen = item(study, named)
    if not any(s == session and i == chosen for s, i, _ in study.codebook().votes):
        raise DecisionError(f"nobody voted on {chosen} in session {session!r}: adjudicate an item the "
                            "session's reviewers voted on (see 'workbench analyse agreement')")
    return study.decide("adjudicate", lambda log: {"session": session, "item": chosen, "outcome": outcome},
                        by, why)


def edit_node(study: Study, node_id: str, node_type: str | None = None, label: str | None = None,
              description: str | None = None, questions: Sequence[str] | None = None, by: str | None = None,
              why: str = "") -> Event:
    """Change a logic-model node; fields left as None keep their value."""
    def build(log: Log) -> dict[str, Any]:
        model = log.codebook.model
        current = model.node(node_id) if model else None
        if current is None:
            raise DecisionError(f"the logic model has no node {node_id!r}")
        return {"node": {"id": node_id, "type": node_type or current.type, "label": label or current.label,
                         "description": current.description if description is None else description,
                         "questions": list(current.questions if questions is None else questions)}}
    return study.decide("node_edit", build, by, why)
