"""Export: the codebook, the assignments and the decision log as files."""

from __future__ import annotations

import streamlit as st

from workbench.export import assignments_csv, log_csv, log_jsonl
from workbench.pages import common

study = common.study()
common.researcher()
st.title("Export")
st.caption("Files are made on this machine and downloaded by your browser; nothing is sent anywhere else. "
           "Spreadsheet formulas in quotes are neutralised.")
book = study.codebook()
st.download_button(f"Codebook (CSV, {len(book.themes)} themes)", study.codebook_file("csv"), "codebook.csv",
                   "text/csv")
if book.themes:
    st.download_button("Codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA .qdc)", study.codebook_file("qdc"),
                       "codebook.qdc", "application/xml")
    st.download_button("Whole project with coded transcripts (REFI-QDA .qdpx)", study.codebook_file("qdpx"),
                       "project.qdpx", "application/zip")
    for fmt, label, mime in (
            ("xlsx", "Codebook as a spreadsheet (XLSX)",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("docx", "Codebook document (Word)",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("md", "Codebook document (Markdown)", "text/markdown")):
        st.download_button(label, study.codebook_file(fmt), f"codebook.{fmt}", mime, key=f"codebook-{fmt}")
data = common.run_data(study)
if data:
    run, _, assigned = data
    st.download_button(f"Assignments of run {run.id} with current themes (CSV)",
                       assignments_csv(assigned, book.coded), f"assignments-run{run.id}.csv", "text/csv")
events = study.log().events
st.download_button(f"Decision log (CSV, {len(events)} events)", log_csv(events), "decision-log.csv", "text/csv")
st.download_button("Decision log (JSON lines: exact, re-verifiable)", log_jsonl(events), "decision-log.jsonl",
                   "application/jsonl")
