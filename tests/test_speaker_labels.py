"""Speaker labels read off a line: what is a label, and how it splits into speaker, description and time."""

from __future__ import annotations

import pytest

from workbench.core.speaker_labels import read_label


@pytest.mark.parametrize(("line", "speaker", "description", "timestamp", "text"), [
    ("P03 (Social Worker): Mostly by phone.", "P03", "Social Worker", None, "Mostly by phone."),
    ("Hon. Jane Okoro (Riverside, Lab.): I move.", "Hon. Jane Okoro", "Riverside, Lab.", None, "I move."),
    ("The Chair (Cllr Ann Moss (Eastfield, Ind.)): Order.", "The Chair", "Cllr Ann Moss (Eastfield, Ind.)", None,
     "Order."),
    ("[00:01:32] Dr Patel (GP, Site B): We see them.", "Dr Patel", "GP, Site B", "00:01:32", "We see them."),
    ("Speaker 1 (00:00:05): Hello.", "Speaker 1", None, "00:00:05", "Hello."),
    ("Jane Smith (Team Lead)   0:09", "Jane Smith", "Team Lead", "0:09", ""),
    ("Ali  0:00  ", "Ali", None, "0:00", ""),
    ("[Jane Smith] 10:01:22", "Jane Smith", None, "10:01:22", ""),
    ("[Int2]: About 8.", "Int2", None, None, "About 8."),
    ("0:00:05.0 - 0:00:10.4 Speaker 1: hi", "Speaker 1", None, "0:00:05.0", "hi"),
    ("MAX FOSTER, CNN CORRESPONDENT: Yes, three.", "MAX FOSTER", "CNN CORRESPONDENT", None, "Yes, three."),
    ("Ms Ó Súilleabháin: Tá.", "Ms Ó Súilleabháin", None, None, "Tá."),
    ("Mr O'Neill-Smith: Yes.", "Mr O'Neill-Smith", None, None, "Yes."),
    ("DC Nowak (Police – Public Protection): We do checks.", "DC Nowak", "Police – Public Protection", None,
     "We do checks."),
    ("Young person 1: It was fine.", "Young person 1", None, None, "It was fine."),
    ("Dev Patel: Sorry—", "Dev Patel", None, None, "Sorry—"),
    ("IV: And then?", "IV", None, None, "And then?"),
    ("R: Yes.", "R", None, None, "Yes."),
    ("INTERVIEWER", "INTERVIEWER", None, None, ""),
    ("pippin: Have you?", "pippin", None, None, "Have you?"),
    ("王芳：我们先打电话给学校。", "王芳", None, None, "我们先打电话给学校。"),
    ("محمد: نعم", "محمد", None, None, "نعم"),
    # NVivo's tab-separated transcript rows: time, speaker and words in any order
    ("0:00:05.0 - 0:00:10.4\tSpeaker 1\tWell, we started.", "Speaker 1", None, "0:00:05.0", "Well, we started."),
    ("00:01:02\tSo it was hard.\tP03 (Parent)", "P03", "Parent", "00:01:02", "So it was hard."),
    ("Interviewer\tHow was it?", "Interviewer", None, None, "How was it?"),
])
def test_labels_as_people_write_them(line, speaker, description, timestamp, text):
    label = read_label(line)
    assert label is not None, line
    assert (label.speaker, label.description, label.timestamp, label.text) == (speaker, description, timestamp, text)


@pytest.mark.parametrize("line", [
    "Mum said: no, not again.", "So basically: we waited.", "Date: 3 May 2024", "Note: the line dropped.",
    "The thing is: nobody rang.", "Well, basically: no.", "Yes, I said: fine.", "I 10:30", "the 10:30",
    "[laughter] yes", "[inaudible] and then", "Thank you.", "Okay", "We met at 10:30", "Monday 10:30",
    "He said: that's it.", "Interviewed by: Lucian", "00:01:23", "(00:02:03):", "“Stop”: she shouted",
    "Timespan\tContent\tSpeaker", "and then\tsomething", "00:01:02\tjust words",
])
def test_speech_and_furniture_are_not_labels(line):
    label = read_label(line)
    assert label is None or label.grade == "weak", (line, label)
