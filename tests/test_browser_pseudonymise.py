"""The Study page's de-identified copies in a real browser: upload, find, untick one, make the copies, download.

AppTest cannot upload files, so this drives Debian's chromium with Playwright against ``workbench app``.
The table of findings is a ``st.data_editor`` (a canvas grid): a finding is unticked by clicking its
checkbox cell, found by the grid's row height, and the grid's accessible cells confirm the click took.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from workbench.study import Study

from .browser_harness import browser, serve, settle, start

TRANSCRIPT = ("Interviewer: How did it go with the referral?\n"
              "P01: My son Jordan was at Hillside Primary School then. We lived on Elm Road and they rang me on "
              "07700 900123 about it.\n"
              "P01: Jordan's teacher was kind.\n")
SUBTITLES = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>Tell me about the school.\n\n"
             "2\n00:00:05.000 --> 00:00:09.000\n<v P02>Jordan went to Hillside Primary School, near Elm Road.\n")
PHONE = "07700 900123"
ROW = 35  # the grid's header and row height in CSS pixels (Streamlit's default row height)


def cell(page, column: int, row: int) -> str:
    """What the grid holds in a cell, read from glide-data-grid's accessible table (the canvas has no text)."""
    return page.evaluate(f"() => document.getElementById('glide-cell-{column}-{row}')?.innerText ?? null")


def untick(page, grid, row: int) -> None:
    """Click the keep checkbox (first column, centred) of a row of the grid, until the grid says it is unticked."""
    for _ in range(3):
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 34, box["y"] + ROW + row * ROW + ROW / 2)
        settle(page)
        if cell(page, 0, row) == "false":
            return
    raise AssertionError(f"row {row}'s keep is still {cell(page, 0, row)!r} after clicking it")


def test_copies_made_on_the_study_page(chromium, tmp_path):
    Study.init(tmp_path / "study", by="setup").close()
    upload = tmp_path / "upload"
    upload.mkdir()
    transcript = upload / "family.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    subtitles = upload / "call.vtt"
    subtitles.write_text(SUBTITLES, encoding="utf-8")
    with serve(str(tmp_path / "study"), tmp_path / "app.log") as (url, _), browser() as page:
        start(page, url, "Ana")
        uploader = page.get_by_test_id("stFileUploader").filter(has_text="Files to copy")
        with page.expect_response(lambda r: "/_stcore/upload_file" in r.url and r.request.method == "PUT"):
            uploader.locator("input[type=file]").set_input_files([str(transcript), str(subtitles)])
        uploader.get_by_text("call.vtt").wait_for()
        settle(page)
        page.get_by_role("button", name="Find identifiers").click()
        page.get_by_text(re.compile(r"\d+ possible identifier\(s\) in family\.txt, call\.vtt")).wait_for()
        grid = page.get_by_test_id("stDataFrame").first
        grid.wait_for()
        settle(page)

        rows = []
        for row in range(100):
            text = cell(page, 1, row)
            if text is None:
                break
            rows.append((cell(page, 0, row), text, cell(page, 2, row), cell(page, 5, row)))
        texts = {text for _, text, _, _ in rows}
        assert {"Jordan", "Hillside Primary School", "Elm Road", PHONE} <= texts, rows
        assert all(keep == "true" for keep, *_ in rows), "every finding scored 0.5 or more is ticked to begin with"
        child = {placeholder for _, text, placeholder, _ in rows if text == "Jordan"}
        assert child == {"[Child 1]"}, "the son's name is a child's, with one placeholder in both files"
        assert {file for _, text, _, file in rows if text == "Jordan"} == {"family.txt", "call.vtt"}

        phone_row = next(i for i, (_, text, _, _) in enumerate(rows) if text == PHONE)
        untick(page, grid, phone_row)

        page.get_by_role("button", name="Make the copies").click()
        page.get_by_text(re.compile(r"2 de-identified copies")).wait_for()
        settle(page)
        page.get_by_text("keep it with the original transcripts, never with the copies").wait_for()

        with page.expect_download() as got:
            page.get_by_role("button", name="Download the copies (.zip)").click()
        assert got.value.suggested_filename.endswith(".zip")
        with zipfile.ZipFile(Path(got.value.path())) as archive:
            assert sorted(archive.namelist()) == ["call.vtt", "family.txt"], "the copies only: no key, no findings"
            family = archive.read("family.txt").decode("utf-8")
            call = archive.read("call.vtt").decode("utf-8")
        with page.expect_download() as got:
            page.get_by_role("button", name=re.compile("Download the key")).click()
        key = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))

    assert family == ("Interviewer: How did it go with the referral?\n"
                      "P01: My son [Child 1] was at [School 1] then. We lived on [Street 1] and they rang me on "
                      f"{PHONE} about it.\n"
                      "P01: [Child 1]'s teacher was kind.\n"), "kept findings replaced; the unticked phone left"
    assert call == SUBTITLES.replace("Jordan", "[Child 1]").replace("Hillside Primary School", "[School 1]").replace(
        "Elm Road", "[Street 1]"), "the same placeholders in the second file"
    for original in ("Jordan", "Hillside", "Elm Road"):
        assert original not in family + call
    assert {(r["placeholder"], r["original"]) for r in key} == {
        ("[Child 1]", "Jordan"), ("[School 1]", "Hillside Primary School"), ("[Street 1]", "Elm Road")}, \
        "the key holds the originals of what was replaced, and not the phone that was left"
    study = Study.open(str(tmp_path / "study"))
    assert study.overview().transcripts == 0, "nothing was written into the study"
    study.close()
    leftovers = [p.name for p in upload.iterdir()]
    assert sorted(leftovers) == ["call.vtt", "family.txt"], "the originals are untouched and nothing else written"
    assert transcript.read_text(encoding="utf-8") == TRANSCRIPT
