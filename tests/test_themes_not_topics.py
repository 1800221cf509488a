"""Issue 27: answers read with their questions, small talk kept apart, sub-candidates to drill into.

Real material where it counts: turns of real motivational-interviewing sessions (AnnoMI,
benchmarks/data/real_dialogue, public domain) for what is and is not small talk; the sample
study, discovered with the real model and real BERTopic, for the pipeline, the store, the
command line and the app.
"""

from __future__ import annotations

import csv
import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from workbench.cli.main import app
from workbench.core.questions import is_continuer, questions_before
from workbench.core.segments import Segment
from workbench.engine.context import read_with_questions, unit_rows
from workbench.engine.naming import ASKED
from workbench.engine.small_talk import GROUP_LABEL, SmallTalkSettings, chatty, find_small_talk, formula_share
from workbench.engine.sub_candidates import sub_groups
from workbench.study import Study

ANNOMI = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "real_dialogue" / "annomi.csv"
ANSWER_KEY = Path(__file__).resolve().parent.parent / "corpus" / "answer_key.csv"


def seg(id_: str, turn: int, text: str, interviewer: bool, part: int = 0, transcript: str = "T1") -> Segment:
    return Segment(id_, transcript, None if interviewer else "P1", "I" if interviewer else "P", interviewer, turn,
                   part, 0, len(text), text)


def test_each_answer_has_the_question_before_it_within_reach():
    turns = [seg("q1", 1, "How long did you wait?", True), seg("a1", 2, "About four months.", False),
             seg("a1b", 2, "And then some.", False, part=1), seg("q2a", 3, "And the school?", True),
             seg("q2b", 3, "Did they help?", True, part=1), seg("a2", 4, "Not really, no.", False),
             seg("a3", 5, "Another voice.", False), seg("a4", 8, "Far from any question.", False),
             seg("b1", 1, "Other transcript, no question yet.", False, transcript="T2")]
    found = questions_before(reversed(turns))  # any order: read by transcript, turn and part
    assert found["a1"] == found["a1b"] == "How long did you wait?"
    assert found["a2"] == found["a3"] == "And the school? Did they help?", "a question in two parts is one question"
    assert "a4" not in found and "b1" not in found and "q1" not in found


def test_a_continuer_does_not_become_the_question():
    turns = [seg("q1", 1, "How are referrals recorded?", True), seg("a1", 2, "On the system, mostly.", False),
             seg("m1", 3, "Mm.", True), seg("a2", 4, "A paper log. In 2026.", False),
             seg("m2", 5, "Right. Okay, good.", True), seg("a3", 6, "Which nobody reads.", False),
             seg("r1", 7, "Really?", True), seg("a4", 8, "Really.", False)]
    found = questions_before(turns)
    assert found["a2"] == found["a3"] == "How are referrals recorded?", "'Mm.' keeps the floor with the answer"
    assert found["a4"] == "Really?", "a continuer that asks is a question"
    assert [is_continuer(t) for t in ("Mm-hmm.", "Yeah, yeah.", "[laughs] Right.", "Mm. That sounds hard.",
                                      "Sandwich.", "")] == [True, True, True, False, False, False]


def test_in_real_sessions_answers_after_a_continuer_keep_the_counsellors_question():
    rows = _annomi()
    segments = [Segment(r["id"], r["transcript"], None if r["speaker_role"] == "interviewer" else r["transcript"],
                        None, r["speaker_role"] == "interviewer", int(r["turn"]), 0, 0, len(r["text"]), r["text"])
                for r in rows]
    found = questions_before(segments)
    after = [found[r["id"]] for before, r in pairwise(rows)
             if before["speaker_role"] == "interviewer" and is_continuer(before["text"])
             and r["speaker_role"] != "interviewer" and r["id"] in found]
    assert len(after) >= 30, "the sessions' counsellors say 'Mm-hmm.' and 'Okay.' dozens of times"
    assert not any(is_continuer(q) for q in after)


def test_an_answer_is_read_with_its_question_and_without_one_is_left_as_it_is():
    answers = np.asarray([[1.0, 0.0], [0.0, 2.0]], dtype=np.float32)
    questions = np.asarray([[0.0, 1.0], [0.0, 0.0]], dtype=np.float32)
    read = read_with_questions(answers, questions, 1.0)
    assert np.allclose(read[0], [np.sqrt(0.5), np.sqrt(0.5)]) and np.allclose(read[1], [0.0, 1.0])
    assert np.allclose(read_with_questions(answers, questions, 0.0), unit_rows(answers))


def test_formulae_and_content_words():
    assert formula_share("Yes, that's fine, go ahead.").content == 0
    assert formula_share("Mm-hmm.").share == 1.0 and not formula_share("Mm-hmm.").social
    thanks = formula_share("Thank you so much, bye!")
    assert thanks.social and thanks.content == 0
    answer = formula_share("Sorry, yes, the waiting list was a year.")
    assert answer.social and answer.content >= 3
    assert formula_share("[laughs] Fair enough.").social


def _annomi() -> list[dict[str, str]]:
    if not ANNOMI.is_file():
        pytest.skip("benchmarks/data/real_dialogue/annomi.csv is absent")
    with ANNOMI.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _questions(rows: list[dict[str, str]]) -> list[str | None]:
    asked, last = [], None
    for row in rows:
        if row["speaker_role"] == "interviewer":
            last = row["text"]
        else:
            asked.append(last)
    return asked


def test_real_backchannels_are_small_talk_and_real_answers_are_not(model):
    rows = [r for r in _annomi() if r["transcript"] in ("annomi-0", "annomi-1", "annomi-2")]
    questions = _questions(rows)
    answers = [r for r in rows if r["speaker_role"] == "participant"]
    texts = [r["text"] for r in answers]
    found = find_small_talk(texts, unit_rows(model.encode(texts)), questions, model.encode)
    said = dict(zip(texts, found.mask, strict=True))
    flag = {r["id"]: m for r, m in zip(answers, found.mask, strict=True)}
    # A client's "Mm-hmm." while the counsellor explains (asking nothing) is small talk, and so
    # is "Okay." after "Okay. Just so you know, my role [...] is just to share information".
    assert flag["annomi-0-3"] and flag["annomi-0-9"]
    # "Seven?" after the guideline is a reaction with content of its own, and "Something like
    # that." answers how much they drink.
    assert not flag["annomi-0-15"]
    long_answers = [t for t in texts if len(t.split()) >= 25]
    assert long_answers and not any(said[t] for t in long_answers), "a long answer is never small talk"
    assert "Usually three drinks and glasses of wine." in said and not said["Usually three drinks and glasses of wine."]
    assert 0 < found.count < len(texts) / 2


def test_a_short_answer_to_a_real_question_is_an_answer_and_after_consent_talk_is_not(model):
    texts = ["Not really, no.", "Yes, that's fine.", "Thanks, bye then!"]
    questions = ["Did anyone from the school ever ring you back about the referral?",
                 "Before we start, is it okay if I record this?", None]
    found = find_small_talk(texts, unit_rows(model.encode(texts)), questions, model.encode)
    assert found.mask == [False, True, True]


def test_a_study_of_another_language_names_its_own_small_talk():
    texts = ["Diolch yn fawr iawn.", "Roedd yr ysgol yn araf iawn yn ymateb i'r atgyfeiriad a'r cais am help."]
    vectors = np.eye(2, 4, dtype=np.float32)
    plain = find_small_talk(texts, vectors, [None, None], None)
    assert plain.mask == [False, False], "English rules know no Welsh"
    own = find_small_talk(texts, vectors, [None, None], None, SmallTalkSettings(phrases=("diolch yn fawr iawn",)))
    assert own.mask == [True, False]
    off = find_small_talk(["Thanks, bye!"], vectors[:1], [None], None, SmallTalkSettings(language="off"))
    assert off.mask == [False]


def test_a_cluster_that_is_small_talk_as_a_whole_joins_the_group():
    labels = np.asarray([0, 0, 0, 1, 1, 1, 2, 2, -1])
    margins = np.asarray([-0.2, -0.1, -0.15, 0.2, 0.3, 0.1, -0.1, 0.05, 0.4])
    kept, stability, moved = chatty(labels, [0.9, 0.8, 0.7], margins, baseline=-0.1)
    assert moved.tolist() == [False, False, False, True, True, True, False, False, False]
    assert kept.tolist() == [0, 0, 0, -1, -1, -1, 1, 1, -1] and stability == [0.9, 0.7]
    # Talk whose every cluster lies near the small-talk examples: only what stands out from it goes.
    _, _, none_moved = chatty(labels, [0.9, 0.8, 0.7], margins, baseline=0.15)
    assert not none_moved.any()


def test_sub_groups_are_what_most_layouts_find_inside_a_candidate():
    rng = np.random.default_rng(0)
    centres = np.eye(3, 8)
    unit = unit_rows(np.vstack([centres[i] + 0.05 * rng.standard_normal((12, 8)) for i in range(3)]))
    members = np.arange(24)  # the candidate holds the first two groups
    fine = np.repeat([0, 1, 2], 12)
    shifted = fine.copy()
    shifted[11] = 1  # one layout puts a member with the other part
    found = sub_groups(unit, members, [fine, shifted, fine], 0.1, 5)
    assert found is not None and found.count == 2
    assert found.parts[:12].tolist() == [found.parts[0]] * 12 and found.parts[12:].tolist() == [found.parts[12]] * 12
    assert found.parts[0] != found.parts[12]
    assert sub_groups(unit, members, [np.zeros(36, dtype=int)] * 3, 0.1, 5) is None, "one part is no split"
    assert sub_groups(unit, members[:8], [fine] * 3, 0.1, 5) is None, "too small to open"


def test_real_sessions_candidates_are_named_by_what_their_members_say(model):
    """Discovery on the real counselling sessions: every candidate has keywords its members say and a name."""
    from workbench.core.questions import questions_before
    from workbench.engine.discover import DiscoveryParams, Doc, discover

    rows = _annomi()
    segments = [Segment(r["id"], r["transcript"], None if r["speaker_role"] == "interviewer" else r["transcript"],
                        None, r["speaker_role"] == "interviewer", int(r["turn"]), 0, 0, len(r["text"]), r["text"])
                for r in rows]
    asked = questions_before(segments)
    answers = [s for s in segments if not s.is_interviewer]
    questions = sorted(set(asked.values()))
    by_question = dict(zip(questions, unit_rows(model.encode(questions)), strict=True))
    own = unit_rows(model.encode([s.text for s in answers]))
    read = np.stack([by_question[asked[s.id]] if s.id in asked else np.zeros(own.shape[1], dtype=np.float32)
                     for s in answers])
    docs = [Doc(s.id, s.text, s.participant_id, None, asked.get(s.id)) for s in answers]
    found = discover(docs, own, DiscoveryParams(), word_embedder=model.encode, questions=read)
    text = {s.id: s.text.lower() for s in answers}
    themes = found.themes
    assert len(themes) >= 4
    # Fragments of a turn cut by "Mm-hmm." ("-I know that. But it's hard getting to the point where
    # I-") may share no content word: at most one such candidate, named by what it was asked.
    unnamed = [c for c in themes if not c.keywords]
    assert len(unnamed) <= 1, [c.label for c in unnamed]
    for c in unnamed:
        assert c.label.startswith(ASKED) and not c.label_is_phrase, c.label
        first = c.label.removeprefix(ASKED).split(" / ")[0].split()[0]
        assert sum(first in asked.get(m, "").lower() for m, _ in c.members) >= 2, c.label
    for c in themes:
        if not c.keywords:
            continue
        word = c.keywords[0][0].split()[0]
        assert sum(word in text[m] for m, _ in c.members) >= 2, f"{word!r} is not what {c.label!r}'s members say"
    phrases = [c for c in themes if c.label_is_phrase]
    assert len(phrases) >= 0.75 * (len(themes) - len(unnamed)), [c.label for c in themes]
    for c in phrases:
        assert any(c.label.lower().split()[0] in text[m] for m, _ in c.members), c.label


@pytest.fixture(scope="module")
def model():
    from workbench.engine.embed import Encoder, load_model

    return Encoder(load_model())


def test_the_sample_study_keeps_small_talk_apart_and_reads_answers_with_questions(discovered_sample):
    run, found = discovered_sample.candidates()
    talk = [c for c in found if c.is_small_talk]
    assert len(talk) == 1 and talk[0] is found[-1] and talk[0].label == GROUP_LABEL
    assert run.candidates == len(found) - 1, "the group is not counted as a candidate"
    assert run.params["question_weight"] > 0 and run.params["answers_with_questions"] > 500
    assert run.params["small_talk_segments"] == talk[0].size
    with ANSWER_KEY.open(encoding="utf-8") as handle:
        key = {r["segment_id"]: r["theme"] for r in csv.DictReader(handle)}
    _, assigned = discovered_sample.assignments()
    members: dict[int, list[str]] = {}
    for a in assigned:
        members.setdefault(a.candidate, []).append(a.segment_id)
    group = members[talk[0].number]
    assert sum(key[s] == "none" for s in group) / len(group) > 0.7, "the group is mostly what the key calls none"
    content = sorted((c for c in found if not c.is_small_talk), key=lambda c: -c.size)[:3]
    for c in content:
        share = sum(key[s] == "none" for s in members[c.number]) / len(members[c.number])
        assert share < 0.5, f"{c.label}: small talk is {share:.0%} of one of the three largest candidates"
    assert any(c.children for c in found), "some candidate can be opened into sub-candidates"
    for c in found:
        if c.children:
            inside = sorted(m[0] for part in c.children for m in part["members"])
            assert inside == sorted(members[c.number]), "sub-candidates share out exactly their candidate"


def test_drilling_into_sub_candidates_and_setting_small_talk_aside_on_the_command_line(discovered_sample, tmp_path):
    import shutil

    copy = tmp_path / "study"
    shutil.copytree(discovered_sample.location, copy)
    runner = CliRunner()
    run, found = discovered_sample.candidates()
    broad = next(c for c in found if c.children and not c.is_small_talk)
    narrow = next((c for c in found if not c.children and not c.is_small_talk), None)
    talk = next(c for c in found if c.is_small_talk)
    ids = {c.number: f"R{run.id}-C{c.number:02d}" for c in found}

    listed = runner.invoke(app, ["candidates", "--study", str(copy), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert rows[-1]["kind"] == "small_talk" and all(r["kind"] == "theme" for r in rows[:-1])
    assert rows[0]["sub_candidates"] == len(found[0].children)

    within = runner.invoke(app, ["candidates", "--study", str(copy), "--within", ids[broad.number], "--format",
                                 "json"])
    assert within.exit_code == 0, within.output
    parts = json.loads(within.output)
    assert [p["label"] for p in parts] == [s["label"] for s in broad.children]

    refused = runner.invoke(app, ["decide", "accept", ids[broad.number], "--sub-candidates", "--study", str(copy),
                                  "--by", "ana"])
    assert refused.exit_code != 0 and "reason" in refused.output.lower()
    accepted = runner.invoke(app, ["decide", "accept", ids[broad.number], "--sub-candidates", "--study", str(copy),
                                   "--by", "ana", "--why", "too broad: three things in one"])
    assert accepted.exit_code == 0, accepted.output
    assert "accept" in accepted.output and "split" in accepted.output
    if narrow is not None:
        nothing = runner.invoke(app, ["decide", "accept", ids[narrow.number], "--sub-candidates", "--study",
                                      str(copy), "--by", "ana", "--why", "try"])
        assert nothing.exit_code != 0 and "no sub-candidates" in nothing.output

    aside = runner.invoke(app, ["decide", "reject", ids[talk.number], "--study", str(copy), "--by", "ana", "--why",
                                "small talk: not a theme"])
    assert aside.exit_code == 0, aside.output
    study = Study.open(str(copy))
    try:
        book = study.codebook()
        names = sorted(t.name for t in book.themes.values())
        assert names == sorted(s["label"] for s in broad.children)
        for part in broad.children:
            theme = next(t for t in book.themes.values() if t.name == part["label"])
            assert sorted(theme.members) == sorted(m[0] for m in part["members"])
        assert str(book.candidates[ids[talk.number]]) == "rejected"
    finally:
        study.close()


def test_a_study_made_before_candidates_had_kinds_upgrades_and_reads_its_runs(tmp_path):
    from workbench.store.database import Store, study_url
    from workbench.store.lock import make_engine
    from workbench.store.schema import CURRENT_VERSION, MIGRATIONS

    location = str(tmp_path / "old")
    url, folder = study_url(location)
    folder.mkdir(parents=True)
    store = Store(make_engine(url), folder, url)
    with store.write() as tx:
        for number, _what, apply in MIGRATIONS:
            if number <= 8:
                apply(tx.conn)
        tx.conn.execute(sa.text("ALTER TABLE candidates DROP COLUMN kind"))
        tx.conn.execute(sa.text("ALTER TABLE candidates DROP COLUMN children"))
        tx.set_meta("schema_version", "8")
        tx.set_meta("name", "old study")
        tx.conn.execute(sa.text(
            "INSERT INTO runs (created_at, by, params, model_name, model_sha256, backend, seed, input_sha256, versions,"
            " timings, segments, candidates, coverage, merge_suggestions, hierarchy) VALUES ('2026-01-01', 'ana', '{}',"
            " 'm', 'x', 'onnx', 42, 'y', '{}', '{}', 3, 1, 1.0, '[]', '[]')"))
        tx.conn.execute(sa.text(
            "INSERT INTO candidates (run_id, number, label, keywords, representatives, size, participants, sites,"
            " stability, centroid) VALUES (1, 0, 'waiting / list', '[]', '[]', 3, 1, 1, 0.9, :c)"),
            {"c": np.zeros(4, dtype=np.float32).tobytes()})
    store.dispose()
    study = Study.open(location)
    try:
        assert study.store.schema_version() == CURRENT_VERSION
        _, found = study.candidates(1)
        assert [(c.label, c.kind, c.children) for c in found] == [("waiting / list", "theme", [])]
    finally:
        study.close()


def test_the_candidates_page_opens_a_candidate_and_sets_small_talk_aside_in_one_click(discovered_sample, tmp_path):
    import shutil

    from streamlit.testing.v1 import AppTest

    from .app_harness import by_key

    copy = tmp_path / "study"
    shutil.copytree(discovered_sample.location, copy)
    run, found = discovered_sample.candidates()
    talk = next(c for c in found if c.is_small_talk)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "workbench" / "pages" / "candidates_page.py"),
                           default_timeout=180)
    at.session_state["study_location"] = str(copy)
    at.session_state["researcher"] = "ana"
    at.run()
    assert not at.exception and not at.error
    shown = by_key(at.selectbox, "candidate")
    assert talk.number not in shown.options, "the small-talk group is not in the review queue"
    first = next(c for c in found if c.number == shown.value)
    if not first.children:  # open a candidate that has sub-candidates
        broad = next(c for c in found if c.children and not c.is_small_talk)
        shown.set_value(broad.number).run()
        first = broad
    by_key(at.text_input, "sub-why").input("three things in one")
    next(b for b in at.button if b.label.startswith("Accept as") and "sub-candidate" in b.label).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    study = Study.open(str(copy))
    try:
        assert [e.kind for e in study.events()] == ["accept", "split"]
        assert len(study.codebook().themes) == len(first.children)
    finally:
        study.close()
    next(b for b in at.button if b.label == "Not a theme: set the whole group aside").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    study = Study.open(str(copy))
    try:
        last = study.events()[-1]
        assert last.kind == "reject" and last.payload["candidate"] == f"R{run.id}-C{talk.number:02d}"
        assert "small talk" in last.rationale
    finally:
        study.close()
    assert not any(b.label == "Not a theme: set the whole group aside" for b in at.button), "decided: no button"


def test_parts_whose_words_come_down_to_one_are_still_named():
    from workbench.engine.naming import class_words

    # Inside a candidate of short answers, two segments may share a single word between them.
    found = class_words(["nothing", "nothing", "nothing at all", "good"] * 20, np.asarray([0, 1, 0, 1] * 20))
    assert found[1] == [("good", 20.0)]


def test_answers_with_no_questions_are_all_clustered(tmp_path):
    from .conftest import discover_topics

    # A table of answers (no interviewer turns): "Thanks, all good." is an answer there.
    study = discover_topics(tmp_path, [("t1", "Thanks, all good."), ("t2", "Nothing, all fine, thank you.")])
    try:
        run, found = study.candidates()
        assert not any(c.is_small_talk for c in found) and run.params["small_talk_segments"] == 0
        assert run.params["answers_with_questions"] == 0
    finally:
        study.close()


def test_the_study_page_sets_question_reading_and_small_talk_for_a_run(small):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "workbench" / "pages" / "study_page.py"),
                           default_timeout=180)
    at.session_state["study_location"] = small
    at.session_state["researcher"] = "ana"
    at.run()
    next(s for s in at.slider if s.label == "Read each answer with its question").set_value(0.5)
    next(t for t in at.text_area if t.label.startswith("Your own examples of small talk")).input(
        "Diolch yn fawr\n\n  Hwyl fawr  ")
    next(b for b in at.button if b.label == "Run discovery").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    run = Study.open(small).latest_run()
    assert run.params["question_weight"] == 0.5 and run.params["small_talk"] == "english"
    assert run.params["small_talk_phrases"] == ["Diolch yn fawr", "Hwyl fawr"]
    assert run.params["question_reading"] == "added"
    next(c for c in at.checkbox if c.label == "Keep small talk apart").uncheck()
    next(r for r in at.radio if r.label == "How an answer is read with its question").set_value("Joined")
    next(b for b in at.button if b.label == "Run discovery").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    again = Study.open(small).latest_run()
    assert again.params["small_talk"] == "off" and again.params["question_reading"] == "joined"


def test_joined_vectors_are_what_discovery_clusters_when_the_run_asks_for_them(model):
    """Real answers that alone say nothing ("Yes.", "About a month.") group by their questions only when joined."""
    from workbench.engine.context import joined_text
    from workbench.engine.discover import DiscoveryParams, Doc, discover

    asked = {"drink": "How many drinks do you usually have on a night out with your friends?",
             "smoke": "How many cigarettes a day were you smoking before you tried to quit?"}
    replies = ["Yes.", "About a month.", "Maybe three or four.", "Not really.", "I don't know, a few.",
               "Probably more than I should.", "Less than before.", "It depends on the week."]
    docs = [Doc(f"{topic}-{i}", reply, f"P{i}", None, question)
            for topic, question in asked.items() for i, reply in enumerate(replies * 2)]
    own = unit_rows(model.encode([d.text for d in docs]))
    joined = unit_rows(model.encode([joined_text(d.text, d.question) for d in docs]))
    params = DiscoveryParams(min_size=5, runs=3, small_talk="off", question_reading="joined")
    found = discover(docs, own, params, word_embedder=model.encode, joined=joined)
    by_topic = {t: {found.assignment[d.id][0] for d in docs if d.id.startswith(t)} for t in asked}
    assert by_topic["drink"].isdisjoint(by_topic["smoke"]), by_topic
    alone = discover(docs, own, DiscoveryParams(min_size=5, runs=3, small_talk="off", question_weight=0.0),
                     word_embedder=model.encode, joined=joined)
    split = {t: {alone.assignment[d.id][0] for d in docs if d.id.startswith(t)} for t in asked}
    assert not split["drink"].isdisjoint(split["smoke"]), "answers alone cannot tell the two questions apart"


def test_answers_joined_with_their_questions_on_the_command_line(tmp_path):
    # Three real counselling sessions, as plain transcripts with speaker labels.
    rows = _annomi()
    files = []
    for name in ("annomi-0", "annomi-1", "annomi-2"):
        lines = [f"{'Interviewer' if r['speaker_role'] == 'interviewer' else 'Participant'}: {r['text']}"
                 for r in rows if r["transcript"] == name]
        files.append(tmp_path / f"{name}.txt")
        files[-1].write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    small = str(tmp_path / "study")
    runner = CliRunner()
    made = runner.invoke(app, ["init", small, "--by", "ana"])
    assert made.exit_code == 0, made.output
    read = runner.invoke(app, ["ingest", "--study", small, *map(str, files), "--by", "ana"])
    assert read.exit_code == 0, read.output

    def discover_joined() -> str:
        done = runner.invoke(app, ["discover", "--study", small, "--question-reading", "joined", "--min-size", "5",
                                   "--runs", "3", "--by", "ana"])
        assert done.exit_code == 0, done.output
        return done.output

    told = discover_joined().splitlines()[0]
    assert told.startswith("This discovery should take") and "drawing 3 layouts" in told, told
    study = Study.open(small)
    try:
        run = study.latest_run()
        assert run.params["layouts_kept"] == 0
        # What the first line said it would embed is what the run embedded: real turns and questions joined.
        assert f"embedding {run.params['pieces_embedded']:,} word pieces" in told, told
        asked = run.params["answers_with_questions"]
        assert run.params["question_reading"] == "joined" and asked > 0
        # Each answer with its question is one more text embedded (the answers alone are at most
        # as many as the segments), once: the study's cache keeps it.
        assert run.params["embedded_now"] > run.segments
    finally:
        study.close()
    told = discover_joined().splitlines()[0]
    assert "every text already embedded" in told and "every layout kept from an earlier run" in told, told
    study = Study.open(small)
    try:
        second = study.latest_run()
        assert second.params["embedded_now"] == 0 and second.params["layouts_kept"] == 3
        assert study.store.assignments(second.id) == study.store.assignments(run.id), \
            "the layouts read back give every real turn the candidate the drawn ones gave"
        assert [c.label for c in study.candidates(second.id)[1]] == [c.label for c in study.candidates(run.id)[1]]
    finally:
        study.close()
    wrong = runner.invoke(app, ["discover", "--study", small, "--question-reading", "both", "--by", "ana"])
    assert wrong.exit_code == 1 and "question_reading must be 'added' or 'joined'" in wrong.output
    assert "Traceback" not in wrong.output


def test_a_phrases_file_that_cannot_be_read_is_refused_with_its_name_and_line(tmp_path):
    from workbench.cli.candidates import read_phrases

    good = tmp_path / "phrases.txt"
    good.write_text("# greetings in Welsh\nDiolch yn fawr\n\n  Hwyl fawr  \n", encoding="utf-8")
    assert read_phrases(good) == ("Diolch yn fawr", "Hwyl fawr")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Diolch\nMerci beaucoup\nà bientôt\n".encode("latin-1"))
    runner = CliRunner()
    refused = runner.invoke(app, ["discover", "--study", str(tmp_path / "none"), "--small-talk-phrases", str(bad)])
    assert refused.exit_code == 1 and "latin1.txt, line 3" in refused.output and "UTF-8" in refused.output
    assert "Traceback" not in refused.output
    missing = runner.invoke(app, ["discover", "--study", str(tmp_path / "none"), "--small-talk-phrases",
                                  str(tmp_path / "nope.txt")])
    assert missing.exit_code == 1 and "nope.txt: no such file" in missing.output
