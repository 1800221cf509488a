"""The Study page's de-identified copies without a browser: uploads scanned, the table's choices applied, refusals.

``scan_uploads``, ``reviewed`` and ``copies_from_review`` are what the page calls; they run the command line's
two steps (``scan_files``, ``write_copies``) in a temporary folder, so these check the page's part: names not
temporary paths, the table's rows not CSV lines, the zip and the key.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from workbench.errors import InputError, WorkbenchError
from workbench.privacy.pseudonymise import TABLE, copies_from_review, reviewed, scan_uploads

TXT = ("Interviewer: How did it go with the referral?\n"
       "P01: My son Jordan was at Hillside Primary School then. We lived on Elm Road and they rang me on "
       "07700 900123 about it.\n")
VTT = ("WEBVTT\n\n1\n00:00:05.000 --> 00:00:09.000\n<v P02>Jordan went to Hillside Primary School, near Elm Road.\n")
FILES = [("family.txt", TXT.encode()), ("call.vtt", VTT.encode())]


@pytest.fixture(scope="module")
def found():
    return scan_uploads(FILES)


def table(findings, **changes):
    """The editor's rows as the page reads them: id, placeholder, keep; ``changes`` by text -> (placeholder, keep)."""
    out = []
    for f in findings:
        placeholder, keep = changes.get(f.text, (f.placeholder, f.action == "keep"))
        out.append({"keep": keep, "text": f.text, "placeholder": placeholder, "id": f.id, "file": f.file})
    return out


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_scan_names_the_uploads(found):
    assert {f.file for f in found} == {"family.txt", "call.vtt"}, "the upload's name, not a temporary path"
    assert {f.text for f in found} >= {"Jordan", "Hillside Primary School", "Elm Road", "07700 900123"}
    assert {f.placeholder for f in found if f.text == "Jordan"} == {"[Child 1]"}


def test_reviewed_applies_the_choices(found):
    chosen = reviewed(found, table(found, **{"07700 900123": ("[Phone 1]", False), "Elm Road": ("[Road A]", True)}))
    by_text = {f.text: f for f in chosen}
    assert by_text["07700 900123"].action == "ignore"
    assert {f.placeholder for f in chosen if f.text == "Elm Road"} == {"[Road A]"}
    assert [f.id for f in chosen] == [f.id for f in found]
    empty = reviewed(found, [{**row, "keep": None, "placeholder": float("nan")} for row in table(found)])
    assert {f.action for f in empty} == {"ignore"} and {f.placeholder for f in empty} == {""}


@pytest.mark.parametrize(("rows", "problem"), [
    (lambda t: t[1:], "has no row for"),
    (lambda t: [*t, t[0]], "repeats finding"),
    (lambda t: [{**t[0], "id": "F9999-abcdef"}, *t[1:]], "not a finding of this scan"),
])
def test_reviewed_refuses_a_table_out_of_step(found, rows, problem):
    with pytest.raises(InputError, match=problem) as refused:
        reviewed(found, rows(table(found)))
    assert refused.value.source == TABLE


def test_copies_with_the_choices_made(found):
    made = copies_from_review(FILES, reviewed(found, table(found, **{"07700 900123": ("[Phone 1]", False)})))
    copies = unzip(made.zip)
    assert sorted(copies) == ["call.vtt", "family.txt"] == sorted(made.names)
    assert "My son [Child 1] was at [School 1] then. We lived on [Street 1]" in copies["family.txt"]
    assert "07700 900123" in copies["family.txt"], "the unticked finding is left"
    assert "<v P02>[Child 1] went to [School 1], near [Street 1]." in copies["call.vtt"]
    assert made.outcome.replaced == {"family.txt": 3, "call.vtt": 3}
    key = list(csv.DictReader(io.StringIO(made.key.decode("utf-8-sig"))))
    assert {(r["placeholder"], r["original"]) for r in key} == {
        ("[Child 1]", "Jordan"), ("[School 1]", "Hillside Primary School"), ("[Street 1]", "Elm Road")}


def test_a_key_carries_placeholders_across_batches(found):
    first = copies_from_review(FILES[:1], reviewed([f for f in found if f.file == "family.txt"],
                                                   table([f for f in found if f.file == "family.txt"])))
    given = ("team-key.csv", first.key)
    later = scan_uploads([("later.txt", b"P03: Elm Road again, and Priya from Hillside Primary School.\n")],
                         key=given)
    by_text = {f.text: f.placeholder for f in later}
    assert by_text["Elm Road"] == "[Street 1]" and by_text["Hillside Primary School"] == "[School 1]"
    made = copies_from_review([("later.txt", b"P03: Elm Road again, and Priya from Hillside Primary School.\n")],
                              reviewed(later, table(later)), key=given)
    assert made.outcome.key is not None and made.outcome.key.name == "team-key.csv"
    originals = {r["original"] for r in csv.DictReader(io.StringIO(made.key.decode("utf-8-sig")))}
    assert originals >= {"Jordan", "Elm Road", "Hillside Primary School"}, "the key grows; earlier entries kept"


def test_refusals_name_the_table_row_and_the_uploads(found):
    rows = table(found)
    street = [i for i, f in enumerate(found) if f.text == "Elm Road"]
    rows[street[0]]["placeholder"] = "[Street 9]"
    with pytest.raises(InputError) as refused:
        copies_from_review(FILES, reviewed(found, rows))
    message = str(refused.value)
    assert message.startswith(f"{TABLE}, row {street[1] + 1}: ") and f"but row {street[0] + 1} gives it" in message
    rows[street[0]]["placeholder"] = "=HYPERLINK(1)"
    with pytest.raises(InputError, match="runs as a formula"):
        copies_from_review(FILES, reviewed(found, rows))
    key = ("team-key.csv", b"placeholder,original,type\n[Street 7],Elm Road,address\n")
    with pytest.raises(InputError, match=r"but the key team-key.csv gives it '\[Street 7\]'") as refused:
        copies_from_review(FILES, reviewed(found, table(found)), key=key)
    assert "pseudonymise-" not in str(refused.value) and "--key" not in str(refused.value)
    with pytest.raises(InputError, match="has changed since it was scanned"):
        copies_from_review([("family.txt", TXT.replace("Elm", "Oak").encode()), FILES[1]],
                           reviewed(found, table(found)))


@pytest.mark.parametrize(("files", "problem"), [
    ([FILES[0], ("family.txt", b"other")], "family.txt: was given twice"),
    ([("notes.pdf", b"%PDF")], "notes.pdf: is not a format pseudonymise copies"),
])
def test_scan_refusals_name_the_uploads(files, problem):
    with pytest.raises(WorkbenchError) as refused:
        scan_uploads(files)
    assert str(refused.value).startswith(problem) and "pseudonymise-" not in str(refused.value)
