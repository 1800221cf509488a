"""How the decision log reads: every kind of event described in full, from a real study's events.

The Decision log page and ``workbench log`` show ``describe``; a description that leaves
out a memo's text, a merge's sources or the ids a split created leaves the researcher
reading JSON (or nothing). Events are made through the facade, as researchers make them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.decisions import KINDS, Event, describe, describe_all, event_fields
from workbench.study import Study

from .conftest import copied, discover_topics, write

MODEL = """name: Tiny programme theory
description: Trust comes first.
nodes:
  - {id: n1, type: mechanism, label: Trust between agencies}
  - {id: n2, type: outcome, label: Timely decisions}
edges:
  - {from: n1, to: n2}
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """45 answers on three topics, discovered: candidates C00 (referrals), C01 (police), C02 (thresholds)."""
    folder = tmp_path_factory.mktemp("describe")
    discover_topics(folder).close()
    return folder / "study"


def fresh(template: Path, tmp_path: Path) -> Study:
    return Study.open(copied(template, tmp_path))


@pytest.fixture(scope="module")
def history(template, tmp_path_factory) -> tuple[Study, dict[str, Event]]:
    """One study in which every kind of decision was made, each event kept under a name."""
    folder = tmp_path_factory.mktemp("history")
    study = fresh(template, folder)
    e: dict[str, Event] = {}
    e["accept"] = study.accept("C00", "Slow referrals", by="ann")                       # T-001
    e["reject"] = study.reject("C01", by="bob", why="too generic")
    e["revert"] = study.revert(e["reject"].seq, by="ann", why="it is a theme after all")
    outside = sorted({r.id for r in study.rows()} - study.codebook().themes["T-001"].members)
    e["create"] = study.create_theme("Police desk", outside[:3], definition="Working beside the police",
                                     by="ann")                                           # T-002
    e["rename"] = study.rename("T-002", "Co-located police desk", by="ann")
    e["undo rename"] = study.revert(e["rename"].seq, by="bob", why="keep the old name")
    e["restore"] = study.revert(e["undo rename"].seq, by="ann", why="the new name was right")
    e["assign"] = study.assign([outside[3], outside[4]], "T-002", by="ann")
    e["unassign"] = study.unassign([outside[4]], "T-002", by="ann")
    e["dismiss"] = study.dismiss([outside[5], outside[6]], by="ann", why="small talk")
    e["move"] = study.move([outside[3]], "T-002", "T-001", by="ann")
    e["define"] = study.define("T-002", "Working beside the police\nevery day", "Sitting together",
                               "Phone contact", [outside[0]], by="ann")
    e["model"] = study.load_logic_model(write(folder / "model.yaml", MODEL), by="ann")
    e["node_add"] = study.add_node("n3", "component", "Shared desk", "One desk for all agencies", ["RQ1"], by="ann")
    e["node_edit"] = study.edit_node("n3", label="Shared desks", by="ann")
    e["edge_add"] = study.add_edge("n3", "n1", "enables", by="ann")
    e["edge_remove"] = study.remove_edge("n3", "n1", by="ann", why="not shown by the data")
    e["node_remove"] = study.remove_node("n3", by="ann", why="not a component here")
    e["map"] = study.map_theme("T-002", "n1", "staff describe trust", by="ann")
    e["unmap"] = study.unmap_theme("T-002", "n1", by="ann")
    e["memo"] = study.memo("Ask site 2 about this.\nAnd the evening shift.", theme="T-002", segment=outside[0],
                           by="cat")
    e["vote"] = study.vote("panel 1", "T-001", "revise", by="bob", why="too broad")
    e["adjudicate"] = study.adjudicate("panel 1", "T-001", "accept", by="ann", why="agreed in the meeting")
    e["fees"] = study.create_theme("Fees", by="ann")                                     # T-003
    e["merge"] = study.merge(["T-003", "C02"], "C01", name="Police and fees", by="ann",
                             why="the same barrier")                                     # T-004
    e["merge into theme"] = study.merge(["T-002"], "T-004", by="ann", why="one desk")
    halves = sorted(study.codebook().themes["T-001"].members)
    e["split"] = study.split("T-001", [("Waiting", halves[:8]), ("Nobody rings back", halves[8:])], by="ann",
                             why="two kinds of delay")                                   # T-005, T-006
    return study, e


@pytest.fixture(scope="module")
def said(history) -> dict[int, str]:
    study, _ = history
    log = study.log()
    return describe_all(log.events, log.undone)


def test_every_kind_is_described_in_words_never_as_json(history, said):
    study, _ = history
    events = study.events()
    assert {e.kind for e in events} == set(KINDS), "the study makes every kind of decision"
    for event in events:
        for text in (describe(event), said[event.seq]):
            assert text and "{" not in text and not text.startswith(f"{event.kind}: "), (event.kind, text)
            assert event.payload_json not in text
    assert set(said) == {e.seq for e in events}


def test_candidates_accepted_rejected_and_merged_name_everything(history, said):
    _, e = history
    assert said[e["accept"].seq] == "R1-C00 accepted as T-001 'Slow referrals' (15 segments)"
    assert said[e["reject"].seq] == "R1-C01 rejected"
    merge = said[e["merge"].seq]
    assert merge.startswith("T-003 'Fees', R1-C02 (15 segments) merged into R1-C01, accepted as T-004 "
                            "'Police and fees'"), merge
    assert merge.endswith("(T-003 retired)")
    alone = describe(e["merge"])  # the command line's view: what the event itself records
    assert all(x in alone for x in ("T-003", "R1-C02 (15 segments)", "R1-C01", "T-004 'Police and fees'"))
    into = said[e["merge into theme"].seq]
    assert into == "T-002 'Co-located police desk' merged into T-004 'Police and fees' (T-002 retired)", into


def test_a_split_says_which_ids_it_created_and_that_the_old_one_is_retired(history, said):
    _, e = history
    text = said[e["split"].seq]
    assert text == ("T-001 'Slow referrals' split into T-005 'Waiting' (8 segments), T-006 'Nobody rings back' "
                    "(8 segments) (T-001 retired)"), text
    assert describe(e["split"]).startswith("T-001 split into T-005 'Waiting'")


def test_a_candidate_accepted_in_parts_explains_the_id_that_lived_a_moment(template, tmp_path):
    study = fresh(template, tmp_path)
    members = sorted(study.candidate_members("C02"))
    accept, split = study.accept_in_parts("C02", [("Thresholds", members[:7]), ("Documents", members[7:])],
                                          by="ann", why="two issues")
    log = study.log()
    said = describe_all(log.events, log.undone)
    label = accept.payload["name"]  # the candidate's label
    assert said[accept.seq] == (f"R1-C02 accepted as T-001 {label!r} (15 segments), then split at once by "
                                f"#{split.seq} (accepted in parts)")
    assert said[split.seq] == (
        f"T-001 {label!r} split into T-002 'Thresholds' (7 segments), T-003 'Documents' (8 segments) (T-001 "
        f"retired: it existed only to accept R1-C02 in parts, #{accept.seq} and #{split.seq})")


def test_theme_work_is_described_with_segments_and_full_texts(history, said):
    _, e = history
    created = e["create"].payload["members"]
    assert said[e["create"].seq] == "created T-002 'Police desk' (3 segments): definition “Working beside the " \
                                    "police”; include when (none); exclude when (none)"
    assert said[e["rename"].seq] == "T-002 renamed 'Co-located police desk' (was 'Police desk')"
    assert describe(e["rename"]) == "T-002 renamed 'Co-located police desk'"
    a, b = e["assign"].payload["segments"]
    assert said[e["assign"].seq] == f"2 segments ({a}, {b}) assigned to T-002 'Co-located police desk'"
    assert said[e["unassign"].seq] == f"1 segment ({b}) unassigned from T-002 'Co-located police desk'"
    c, d = e["dismiss"].payload["segments"]
    assert said[e["dismiss"].seq] == f"2 segments ({c}, {d}) dismissed from triage (read, and belonging to no theme)"
    assert said[e["move"].seq] == f"1 segment ({a}) moved from T-002 'Co-located police desk' to T-001 " \
                                  "'Slow referrals'"
    assert said[e["define"].seq] == (
        "T-002 'Co-located police desk' defined (changed: definition, include when, exclude when, exemplar "
        f"quotes): definition “Working beside the police / every day”; include when “Sitting together”; "
        f"exclude when “Phone contact”; exemplar quotes {created[0]}")


def test_maps_notes_memos_and_votes_are_given_in_full(history, said):
    _, e = history
    assert said[e["map"].seq] == ("T-002 'Co-located police desk' mapped to n1 ('Trust between agencies'), "
                                  "because “staff describe trust”")
    assert "“staff describe trust”" in describe(e["map"])
    assert said[e["unmap"].seq] == ("T-002 'Co-located police desk' unmapped from n1 ('Trust between agencies') "
                                    "(its note was “staff describe trust”)")
    segment = e["memo"].payload["segment"]
    assert said[e["memo"].seq] == (f"memo on T-002 'Co-located police desk', segment {segment}: “Ask site 2 about "
                                   "this. / And the evening shift.”")
    assert "And the evening shift." in describe(e["memo"])
    assert said[e["vote"].seq] == "voted revise on T-001 'Slow referrals' in session 'panel 1'"
    assert said[e["adjudicate"].seq] == "T-001 'Slow referrals' adjudicated accept in session 'panel 1'"


def test_the_logic_model_changes_say_what_changed(history, said):
    _, e = history
    assert said[e["model"].seq] == ("logic model 'Tiny programme theory' loaded from model.yaml (2 nodes, 1 edge): "
                                    "“Trust comes first.”")
    assert said[e["node_add"].seq] == ("node n3 added: component 'Shared desk'; description “One desk for all "
                                       "agencies”; questions RQ1")
    assert said[e["node_edit"].seq].startswith("node n3 edited: component 'Shared desks'")
    assert said[e["edge_add"].seq] == "edge n3 -> n1 added ('enables')"
    assert said[e["edge_remove"].seq] == "edge n3 -> n1 removed"
    assert said[e["node_remove"].seq] == "node n3 ('Shared desks') removed"


def test_a_revert_says_what_it_undoes_and_a_revert_of_a_revert_what_it_restores(history, said):
    _, e = history
    assert said[e["revert"].seq] == f"undoes #{e['reject'].seq} (reject by bob): R1-C01 rejected"
    rename, undo = e["rename"].seq, e["undo rename"].seq
    assert said[undo] == f"undoes #{rename} (rename by ann): T-002 renamed 'Co-located police desk' (was 'Police desk')"
    assert said[e["restore"].seq] == (f"restores #{rename} (T-002 renamed 'Co-located police desk' (was 'Police "
                                      f"desk')) by undoing revert #{undo}")
    assert describe(e["restore"]) == f"undoes event #{undo}", "alone, a revert knows only its number"


def test_payload_fields_are_listed_as_text_for_the_full_view(history):
    _, e = history
    fields = dict(event_fields(e["split"]))
    assert fields["theme"] == "T-001" and fields["parts[1].theme"] == "T-005" and fields["parts[2].name"] == \
        "Nobody rings back"
    assert fields["parts[1].members"].count(", ") == 7
    assert dict(event_fields(e["memo"]))["text"] == "Ask site 2 about this.\nAnd the evening shift."


def test_an_events_status_and_the_themes_it_touches_follow_reverts(template, tmp_path):
    study = fresh(template, tmp_path)
    study.accept("C00", "First", by="ana")
    study.rename("T-001", "Second", by="ana")
    undo = study.revert(2, by="ana", why="wrong")
    redo = study.revert(undo.seq, by="ana", why="right after all")
    log = study.log()
    assert [log.status(s) for s in (1, 2, 3, 4)] == ["active", "active", f"undone by #{redo.seq}",
                                                        "reverts #3 (restores #2)"]
    assert log.touches(redo.seq, "T-001") and not log.touches(redo.seq, "T-002")
