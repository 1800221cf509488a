"""Export: the codebook, the assignments and the decision log as files.

Each file is made when its button is clicked, not each time the page is shown: a whole
project of 20,000 segments takes seconds to write, and making all nine files on every
visit made switching to this page take 4.6 s on a 20,000-segment study
(benchmarks/bench_app.py). Streamlit runs a file's maker on another thread while the page
reruns, so each maker opens the study for itself (``common.on_click``).
"""

from __future__ import annotations

import streamlit as st

from workbench.export import assignments_csv, log_csv, log_jsonl
from workbench.pages import common

study = common.study()
common.researcher()
st.title("Export")
st.caption("Files are made on this machine when you click, and downloaded by your browser; nothing is sent anywhere "
           "else. Spreadsheet formulas in quotes are neutralised. Each file is the study as it stands at the click.")
where = common.location()
book = study.codebook()


def codebook(fmt: str):
    return common.on_click(where, lambda fresh: fresh.codebook_file(fmt))


st.download_button(f"Codebook (CSV, {len(book.themes)} themes)", codebook("csv"), "codebook.csv", "text/csv")
if book.themes:
    st.download_button("Codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA .qdc)", codebook("qdc"),
                       "codebook.qdc", "application/xml")
    st.download_button("Whole project with coded transcripts (REFI-QDA .qdpx)", codebook("qdpx"), "project.qdpx",
                       "application/zip")
    for fmt, label, mime in (
            ("xlsx", "Codebook as a spreadsheet (XLSX)",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("docx", "Codebook document (Word)",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("md", "Codebook document (Markdown)", "text/markdown")):
        st.download_button(label, codebook(fmt), f"codebook.{fmt}", mime, key=f"codebook-{fmt}")
data = common.run_data(study)
if data:
    run_id = data[0].id

    def assignments(fresh):
        return assignments_csv(fresh.assignments(run_id)[1], fresh.codebook().coded)

    st.download_button(f"Assignments of run {run_id} with current themes (CSV)", common.on_click(where, assignments),
                       f"assignments-run{run_id}.csv", "text/csv")
count = len(study.log().events)
st.download_button(f"Decision log (CSV, {count} events)", common.on_click(where, lambda fresh: log_csv(fresh.events())),
                   "decision-log.csv", "text/csv")
st.download_button("Decision log (JSON lines: exact, re-verifiable)",
                   common.on_click(where, lambda fresh: log_jsonl(fresh.events())), "decision-log.jsonl",
                   "application/jsonl")
