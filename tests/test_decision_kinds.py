"""The table of decision kinds is complete, and what reads it agrees with it.

Each kind is one row (``KindSpec``): its fields, whether it needs a reason, its rule, its
sentence, and the themes it creates or touches. A kind added without a sample payload
here, a row whose sentence falls back to raw fields, or a ``--why`` help that no longer
names exactly the kinds needing a reason fails below.
"""

from __future__ import annotations

import re
import typing
from typing import Any

import pytest
import typer

from workbench.cli.main import app
from workbench.cli.support import WhyOpt
from workbench.core.decisions import (
    KINDS,
    NEEDS_RATIONALE,
    SPECS,
    DecisionError,
    Draft,
    Event,
    Fate,
    Log,
    describe,
    describe_all,
    event_fields,
    seal,
)

MODEL = {"name": "Tiny programme theory", "description": "", "nodes": [
    {"id": "n1", "type": "mechanism", "label": "Trust between agencies"},
    {"id": "n2", "type": "outcome", "label": "Timely decisions"}], "edges": [{"from": "n1", "to": "n2"}]}

# The state every sample is applied to: T-001 (s1, s2) from a candidate, T-002 (s3) created and
# mapped to n2 of a loaded model, and a memo last (for the revert to undo).
SETUP: list[tuple[str, dict[str, Any]]] = [
    ("accept", {"candidate": "R1-C00", "theme": "T-001", "name": "Slow referrals", "members": ["s1", "s2"]}),
    ("create", {"theme": "T-002", "name": "Police desk", "members": ["s3"]}),
    ("model", {"model": MODEL}),
    ("map", {"theme": "T-002", "node": "n2"}),
    ("memo", {"text": "Ask site 2."}),
]

# A minimal valid payload of each kind: its required fields only, where the kind allows.
SAMPLES: dict[str, dict[str, Any]] = {
    "accept": {"candidate": "R1-C05", "theme": "T-003", "name": "Waiting lists", "members": ["s9"]},
    "reject": {"candidate": "R1-C05"},
    "create": {"theme": "T-003", "name": "Fees"},
    "rename": {"theme": "T-001", "name": "Referrals that stall"},
    "merge": {"into": "T-001", "sources": [{"id": "T-002"}]},
    "split": {"theme": "T-001", "parts": [{"theme": "T-003", "name": "Waiting", "members": ["s1"]},
                                          {"theme": "T-004", "name": "Nobody rings back", "members": ["s2"]}]},
    "move": {"segments": ["s1"], "from": "T-001", "to": "T-002"},
    "assign": {"segments": ["s9"], "theme": "T-001"},
    "unassign": {"segments": ["s1"], "theme": "T-001"},
    "define": {"theme": "T-001"},
    "map": {"theme": "T-001", "node": "n1"},
    "unmap": {"theme": "T-002", "node": "n2"},
    "memo": {"text": "The evening shift says otherwise."},
    "vote": {"session": "panel 1", "item": "T-001", "vote": "revise"},
    "adjudicate": {"session": "panel 1", "item": "T-001", "outcome": "accept"},
    "model": {"model": MODEL},
    "node_add": {"node": {"id": "n3", "type": "component", "label": "Shared desk"}},
    "node_edit": {"node": {"id": "n1", "type": "mechanism", "label": "Trust, slowly built"}},
    "node_remove": {"id": "n1"},
    "edge_add": {"from": "n2", "to": "n1"},
    "edge_remove": {"from": "n1", "to": "n2"},
    "dismiss": {"segments": ["s9"]},
    "revert": {"event": len(SETUP)},
}


def _append(log: Log, kind: str, payload: dict[str, Any], why: str = "") -> Event:
    event = seal(Draft(kind, payload, "ann", why), log.seq + 1, f"2026-01-01T00:00:{log.seq:02d}Z", log.head)
    log.append(event)
    return event


def _set_up() -> Log:
    log = Log()
    for kind, payload in SETUP:
        _append(log, kind, payload)
    return log


def _members(log: Log) -> dict[str, set[str]]:
    return {t.id: set(t.members) for t in log.codebook.themes.values()}


def test_the_table_is_the_one_list_of_kinds():
    assert tuple(SPECS) == KINDS and all(spec.kind == kind for kind, spec in SPECS.items())
    needing = {kind for kind, spec in SPECS.items() if spec.needs_reason}
    assert needing == NEEDS_RATIONALE
    # The rule as it has always been: these decisions are refused without a reason.
    assert needing == {"reject", "merge", "split", "revert", "adjudicate", "node_remove", "edge_remove"}


@pytest.mark.parametrize("kind", KINDS)
def test_every_row_is_complete(kind):
    spec = SPECS[kind]
    assert spec.action.strip() and spec.required, kind
    assert all(isinstance(f, str) and f for f in (*spec.required, *spec.optional)), kind
    assert not set(spec.required) & set(spec.optional), f"{kind}: a field is both required and optional"
    assert callable(spec.describe) and callable(spec.touches) and callable(spec.creates), kind
    assert callable(spec.apply) or kind == "revert", f"{kind}: no rule for the codebook"
    assert kind in SAMPLES, f"{kind}: add a minimal payload to SAMPLES"


@pytest.mark.parametrize("kind", KINDS)
def test_a_minimal_payload_applies_and_reads_as_a_sentence(kind):
    spec, sample = SPECS[kind], SAMPLES[kind]
    assert spec.problems(sample) == [], kind
    assert all(key in sample for key in spec.required), kind
    log = _set_up()
    before = _members(log)
    event = _append(log, kind, sample, "because" if spec.needs_reason else "")
    after = _members(log)

    changed = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
    assert changed <= spec.touches(sample), f"{kind}: changes {changed}, names {spec.touches(sample)}"
    assert set(spec.creates(sample)) == after.keys() - before.keys(), kind
    assert set(spec.creates(sample)) <= log.issued, kind

    fallback = f"{kind}: " + "; ".join(f"{k}: {v}" for k, v in event_fields(event))
    for said in (describe(event), describe_all(log.events, log.undone)[event.seq]):
        assert said and said != fallback and not said.startswith(f"{kind}: ") and "{" not in said, (kind, said)


@pytest.mark.parametrize("kind", KINDS)
def test_a_reason_is_asked_for_exactly_where_the_table_says(kind):
    log = _set_up()
    seq = log.seq
    if SPECS[kind].needs_reason:
        with pytest.raises(DecisionError, match=f"a reason is required to {kind}"):
            _append(log, kind, SAMPLES[kind])
        assert log.seq == seq
    else:
        _append(log, kind, SAMPLES[kind])
        assert log.seq == seq + 1


def test_declared_fields_catch_a_missing_or_unknown_field():
    assert SPECS["accept"].problems({"candidate": "R1-C00"}) == ["'theme' is missing", "'name' is missing",
                                                                "'members' is missing"]
    assert SPECS["reject"].problems({"candidate": "R1-C00", "theme": "T-001"}) == [
        "'theme' is not a field of reject"]
    assert SPECS["memo"].problems(["text"]) == ["the payload is not an object"]


def _listed(help_text: str) -> list[str]:
    found = re.search(r"\(required to (.+)\)\.$", help_text)
    assert found, help_text
    return found.group(1).split(", ")


def test_the_why_help_names_exactly_the_kinds_that_need_a_reason():
    needing = [spec.action for spec in SPECS.values() if spec.needs_reason]
    assert len(needing) == len(NEEDS_RATIONALE)
    assert _listed(typing.get_args(WhyOpt)[1].help) == needing
    # and the commands that make those decisions show it
    groups = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for group, command in (("decide", "reject"), ("decide", "merge"), ("decide", "split"),
                           ("decide", "adjudicate"), ("decide", "revert"), ("model", "remove-node"),
                           ("model", "remove-edge")):
        why = next(p for p in groups[group].commands[command].params if "--why" in p.opts)
        assert _listed(why.help) == needing, (group, command)


def test_a_candidates_fate_is_a_value_that_reads_as_it_always_has():
    log = _set_up()
    _append(log, "reject", {"candidate": "R1-C05"}, "too generic")
    _append(log, "merge", {"into": "R1-C06", "theme": "T-003", "name": "Fees", "members": ["s7"],
                           "sources": [{"id": "R1-C07", "members": ["s8"]}]}, "one barrier")
    fates = log.codebook.candidates
    assert fates == {"R1-C00": Fate("accepted", "T-001"), "R1-C05": Fate("rejected"),
                     "R1-C06": Fate("accepted", "T-003"), "R1-C07": Fate("merged", "T-003")}
    said = {"R1-C00": "accepted as T-001", "R1-C05": "rejected", "R1-C06": "accepted as T-003",
            "R1-C07": "merged into T-003"}
    assert {k: str(v) for k, v in fates.items()} == said
    assert log.codebook.snapshot()["candidates"] == said  # exports and comparisons see the same words
    with pytest.raises(DecisionError, match=r"^candidate R1-C07 was already merged into T-003$"):
        _append(log, "reject", {"candidate": "R1-C07"}, "changed my mind")
