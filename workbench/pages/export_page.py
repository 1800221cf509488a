"""Export: the codebook, the assignments and the decision log as files.

Each file is made when its button is clicked, not each time the page is shown: a whole
project of 20,000 segments takes seconds to write, and making all nine files on every
visit made switching to this page take 4.6 s on a 20,000-segment study
(benchmarks/bench_app.py). Streamlit runs a file's maker on another thread while the page
reruns, so each maker opens the study for itself (``common.made_at_click``). Labels carry
no counts, since a file is the study at the click, which another session may have changed.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.pages import common

study = common.study()
common.researcher()
st.title("Export")
st.caption("Files are made on this machine when you click, and downloaded by your browser; nothing is sent anywhere "
           "else. Spreadsheet formulas in quotes are neutralised. Each file is the study as it stands at the click.")
where = common.location()
book = study.codebook()
st.caption(f"When this page was shown: {len(book.themes)} themes, {len(study.log().events)} decisions in the log.")
try:
    with st.spinner("Looking for identifiers left in the transcripts…"):
        to_review, confirmed = study.unreviewed(), study.identifiers_left()
except WorkbenchError as exc:  # the scanner's language model is missing or was changed
    to_review = confirmed = 0
    st.warning(common.plain(f"The identifier scan could not run, so the files below were not checked for "
                            f"identifiers left in: {exc}"))
if to_review:
    st.warning(f"{to_review} possible identifier(s) scored {study.HIGH_SCORE} or more have not been reviewed: "
               "review them on the Study page, under 'Check for identifiers left in', before sharing files that "
               "quote the transcripts.")


def privacy_note(what: str, segments: set[str] | None) -> None:
    """A warning beside the downloads that carry transcript words, if those words hold open findings.

    The download stays: whether a quote may leave the study is the researcher's call.
    """
    waiting = study.unreviewed(segments=segments) if to_review else 0
    marked = study.identifiers_left(segments) if confirmed else 0
    if waiting or marked:
        st.warning(what + " " + " and ".join(
            part for part in (f"{waiting} unreviewed possible identifier(s) scored {study.HIGH_SCORE} or more"
                              if waiting else "",
                              f"{marked} finding(s) marked as identifiers and not yet corrected" if marked else "")
            if part) + ". Check them before sharing the file; you can still download it.")


def codebook(fmt: str) -> Callable[[], bytes | str]:
    """The codebook in ``fmt``, made at the click."""
    return common.made_at_click(where, lambda fresh: fresh.codebook_file(fmt))


# The files that quote segments (exemplar quotes) come together, under their warning; the
# REFI-QDA codebook carries no transcript words; the project carries them all.
if book.themes and (to_review or confirmed):
    privacy_note("The codebook's CSV, spreadsheet, Word and Markdown files quote segments that hold",
                 study.quoted_segments())
st.download_button("Codebook (CSV)", codebook("csv"), "codebook.csv", "text/csv")
if book.themes:
    for fmt, label, mime in (
            ("xlsx", "Codebook as a spreadsheet (XLSX)",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("docx", "Codebook document (Word)",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("md", "Codebook document (Markdown)", "text/markdown")):
        st.download_button(label, codebook(fmt), f"codebook.{fmt}", mime, key=f"codebook-{fmt}")
    st.download_button("Codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA .qdc)", codebook("qdc"),
                       "codebook.qdc", "application/xml")
    privacy_note("The whole project carries every transcript's full text, with", None)
    st.download_button("Whole project with coded transcripts (REFI-QDA .qdpx)", codebook("qdpx"), "project.qdpx",
                       "application/zip")
data = common.run_data(study)
if data:
    run_id = data[0].id
    st.download_button(f"Assignments of run {run_id} with current themes (CSV)",
                       common.made_at_click(where, lambda fresh: fresh.assignments_file(run_id)),
                       f"assignments-run{run_id}.csv", "text/csv")
st.download_button("Decision log (CSV)", common.made_at_click(where, lambda fresh: fresh.log_file("csv")),
                   "decision-log.csv", "text/csv")
st.download_button("Decision log (JSON lines: exact, re-verifiable)",
                   common.made_at_click(where, lambda fresh: fresh.log_file("jsonl")), "decision-log.jsonl",
                   "application/jsonl")
