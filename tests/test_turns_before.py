"""The turn an answer answers, as the app shows it beside each segment."""

from __future__ import annotations

from workbench.study import Study

from .conftest import write


def test_each_answer_gets_the_whole_question_before_it(tmp_path):
    long_question = " ".join(f"Part of a long question about referrals number {i}." for i in range(120))
    text = (f"Interviewer: {long_question}\n\n"
            "P1: The referral sat for weeks.\n\n"
            "Interviewer: And then?\n\n"
            "P1: Nobody rang us back.\n")
    study = Study.init(tmp_path / "study", by="tester")
    study.ingest([write(tmp_path / "int1.txt", text)])
    rows = study.rows()
    question = [r for r in rows if r.turn == rows[0].turn]
    assert len(question) > 1, "the long question is cut into parts"
    before = study.turns_before()
    first_answer, second_answer = (r for r in rows if r.text.startswith(("The referral", "Nobody")))
    assert before[first_answer.id].text == " ".join(p.text for p in question), "the question whole, not its end"
    assert before[first_answer.id].is_interviewer
    assert before[second_answer.id].text == "And then?"
    assert rows[0].id not in before, "the first turn of a transcript has none"
    assert all(before[p.id].text == "The referral sat for weeks." for p in rows if p.text == "And then?")
