"""Study: what the study holds, importing files, running discovery, and the runs so far."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.core.estimate import describe
from workbench.engine.discover import DiscoveryParams
from workbench.engine.discovery_settings import QUESTION_WEIGHT
from workbench.engine.embed import DEFAULT_BACKEND
from workbench.errors import WorkbenchError
from workbench.io.formats import suffixes, summary
from workbench.io.import_check import LAYOUT_WORDS
from workbench.pages import common
from workbench.privacy import pseudonymise
from workbench.privacy.scan import context

# The embedding backends a researcher chooses between here (the CLI's --backend also has torch).
PRECISIONS = {"Full precision": DEFAULT_BACKEND, "Quick look (int8)": "onnx-int8"}
READINGS = {"Added": "added", "Joined": "joined"}

study = common.study()
st.title("Study")
common.flash()
try:
    with st.spinner("Looking for identifiers left in the transcripts…"):
        to_review, scan_failed = study.unreviewed(), ""
except WorkbenchError as exc:  # the scanner's language model is missing or was changed
    to_review, scan_failed = 0, str(exc)
if to_review:
    st.warning(f"{to_review} possible identifier(s) scored {study.HIGH_SCORE} or more have not been reviewed: review "
               "them under 'Check for identifiers left in' below before quoting from the study.")

view = study.overview()
cols = st.columns(4)
cols[0].metric("Transcripts", view.transcripts)
cols[1].metric("Segments", view.segments)
cols[2].metric("Participants", view.participants)
cols[3].metric("Interviewer text", f"{view.interviewer_share:.0%}",
               help=f"The share of all the transcripts' text, counted in characters, spoken by interviewers "
               f"({view.interviewer_segments} of {view.segments} segments are interviewer turns). Interviewer "
               "turns are left out of discovery unless you tick 'Cluster interviewer turns too', and never "
               "count towards prevalence.")
if view.segments:
    left, middle, right = st.columns(3)
    for column, title, pairs in ((left, "site", view.by_site), (middle, "role", view.by_role),
                                 (right, "participant", view.by_participant)):
        column.caption(f"Participants' segments by {title}")
        column.dataframe(pd.DataFrame(pairs, columns=[title, "segments"]), hide_index=True, width="stretch")
else:
    st.info("The study is empty: import transcripts below.")

st.header("Import")
st.caption("Check first: the check reads the files as an import would and shows, per transcript, who speaks, "
           "how many turns and how much of the words are theirs, and anything the workbench was unsure of. "
           "Nothing is written until you import.")
batch = st.session_state.get("_import_round", 0)
with st.form("import"):
    files = st.file_uploader(f"Transcripts ({summary('transcript')}) or tables ({summary('table')})",
                             accept_multiple_files=True, key=f"import-files-{batch}")
    people = st.file_uploader(f"Participants file (optional, a table: {summary('table')}; participant_id, site, "
                              "role, ...)", type=[s.lstrip(".") for s in suffixes("table")],
                              key=f"import-people-{batch}")
    left, right = st.columns(2)
    checking = left.form_submit_button("Check (imports nothing)")
    importing = right.form_submit_button("Import", type="primary")
    if checking or importing:
        if not files:
            st.warning("Choose at least one file.")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                paths = []
                for upload in files:
                    path = Path(tmp) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    paths.append(path)
                sidecar = None
                if people is not None:
                    sidecar = Path(tmp) / Path(people.name).name
                    sidecar.write_bytes(people.getvalue())
                try:
                    if checking:
                        parsed = study.check(paths, participants=sidecar, progress=common.progress_bar("Reading"))
                        st.session_state["_import_check"] = ("Check (nothing imported)", parsed.checks,
                                                             parsed.report_warnings)
                    else:
                        report = study.ingest(paths, by=common.researcher(), participants=sidecar,
                                              progress=common.progress_bar("Reading"))
                except WorkbenchError as exc:
                    st.error(common.plain(str(exc)))
                else:
                    if importing:
                        notes = list(report.warnings)
                        if report.roles_from_labels:
                            notes.insert(0, "Roles taken from speaker labels (the participants file gave none): "
                                         + ", ".join(f"{p}: {r}" for p, r in sorted(report.roles_from_labels.items())))
                        st.session_state["_import_check"] = ("What was imported", report.checks, notes)
                        st.session_state["_import_round"] = batch + 1
                        st.session_state["flash"] = (f"Imported {len(report.added)} transcript(s), "
                                                     f"{report.segments_added} segment(s); "
                                                     f"{len(report.unchanged)} already in the study")
                        st.rerun()

shown = st.session_state.get("_import_check")
if shown is not None:
    title, checks, notes = shown
    st.subheader(title)
    for note in notes:
        st.warning(common.plain(note))
    for item in checks:
        layout = LAYOUT_WORDS.get(item.layout, item.layout)
        head = (f"{item.id}: {item.turns} turn(s), {len(item.speakers)} speaker(s), {item.segments} segment(s) "
                f"({layout})" + (f"; preamble {item.preamble_words} words" if item.preamble_words else ""))
        with st.expander(head + (f" · {len(item.warnings)} warning(s)" if item.warnings else ""),
                         expanded=bool(item.warnings)):
            for warning in item.warnings:
                st.warning(common.plain(warning))
            if item.preamble:
                st.caption("Before the first turn (kept as the preamble, not analysed):")
                st.text(item.preamble[:600] + ("…" if len(item.preamble) > 600 else ""))
            st.dataframe(pd.DataFrame([{
                "speaker": s.speaker, "label says": s.description or "", "turns": s.turns, "words": s.words,
                "share of words": f"{s.share:.0%}", "interviewer": "yes" if s.interviewer else "",
                "participant": s.participant or ""} for s in item.speakers]), hide_index=True, width="stretch")
    if st.button("Clear this report", key="import-check-clear"):
        st.session_state.pop("_import_check", None)
        st.rerun()

st.header("Check for identifiers left in")
st.caption("Names, schools and other institutions, addresses, places, phone, NHS and National Insurance numbers, "
           "postcodes, emails and dates of birth that de-identification may have missed. Review each finding: a "
           "false alarm, or an identifier to correct. Verdicts are kept with who gave them and when; a later "
           "verdict replaces an earlier one. Nothing is changed: correct the transcripts and import them again.")
VERDICT_WORDS = {"identifier": "identifier", "false_alarm": "false alarm"}
with st.form("scan"):
    a, b, c = st.columns(3)
    listed = a.file_uploader("Names the team knows occur (optional: a .txt file, one per line)", type=["txt"])
    local = b.file_uploader("The study's local places: estates, villages, wards (optional: .txt, one per line)",
                            type=["txt"])
    least = c.slider("Only findings at least this sure", 0.0, 1.0, 0.0, 0.05, key="scan-min")
    if st.form_submit_button("Scan", disabled=not view.segments):
        st.session_state.pop("_scan", None)
        if listed is not None or local is not None:  # lists are not kept in the study: their scan is this session's
            with tempfile.TemporaryDirectory() as tmp:
                given = []
                for upload in (listed, local):
                    path = None
                    if upload is not None:
                        path = Path(tmp) / ("names" if upload is listed else "places") / Path(upload.name).name
                        path.parent.mkdir()
                        path.write_bytes(upload.getvalue())
                    given.append(path)
                try:
                    named = " and ".join(u.name for u in (listed, local) if u is not None)
                    st.session_state["_scan"] = (study.data_version(), named, study.scan(*given))
                except WorkbenchError as exc:
                    st.error(common.plain(str(exc)))


def record_verdict(finding, verdict: str, note: str) -> None:
    """One verdict, one transaction; shown with who gave it, or refused with the reason."""
    try:
        review = study.review_finding(finding.segment_id, finding.type, finding.start, finding.end, finding.text,
                                      verdict, by=common.researcher(), note=note)
    except WorkbenchError as exc:
        st.error(common.plain(str(exc)))
        return
    st.session_state["flash"] = (f"{study.finding_id(finding)} ({finding.type} in {finding.segment_id}) marked "
                                 f"{VERDICT_WORDS[review.verdict]} by {review.by}")
    st.session_state["_decided"] = st.session_state.get("_decided", 0) + 1
    st.rerun()


held = st.session_state.get("_scan")
if held is not None and held[0] != study.data_version():  # gone after an import
    held = None
if scan_failed:
    st.warning(common.plain(f"The identifier scan could not run: {scan_failed}"))
scanned = held[2] if held is not None else (study.scan() if view.segments and not scan_failed else [])
reviews = study.reviews()
least = st.session_state.get("scan-min", 0.0)
found = [(row, f, reviews.get(study.finding_key(f))) for row, f in scanned if f.score >= least]
if view.segments and (held is not None or not scan_failed):
    open_count = sum(1 for _, _, r in found if r is None)
    st.caption(common.plain(
        f"{len(found)} possible identifier(s) in {len({f.segment_id for _, f, _ in found})} segment(s)"
        + (f" (scanned with the lists in {held[1]})" if held is not None
           else " (scanned without lists of names or places)")
        + f": {open_count} not reviewed yet, {sum(1 for *_, r in found if r and r.verdict == 'false_alarm')} "
        f"false alarm(s), {sum(1 for *_, r in found if r and r.verdict == 'identifier')} identifier(s)."))
    only_open = st.checkbox("Only findings not reviewed yet", key="scan-open")
    by_type: dict[str, list] = {}
    for item in sorted(found, key=lambda item: -item[1].score):
        if not (only_open and item[2] is not None):
            by_type.setdefault(item[1].type, []).append(item)
    for kind in sorted(by_type, key=lambda k: (-by_type[k][0][1].score, k)):
        items = by_type[kind]
        waiting = sum(1 for *_, r in items if r is None)
        urgent = any(r is None and f.score >= study.HIGH_SCORE for _, f, r in items)
        with st.expander(f"{kind} · {len(items)} finding(s) · {waiting} not reviewed", expanded=urgent):
            for row, f, review in common.paged(items, key=f"scan-page-{kind}", size=10):
                fid = study.finding_id(f)
                with st.container(border=True):
                    st.caption(common.plain(f"{fid} · {f.segment_id} · {common.who_said(row)} · score "
                                            f"{f.score:.2f} · {f.why}"))
                    st.text(context(row.text, f.start, f.end, 80, ("⟦", "⟧")))
                    if review is None:
                        st.caption("Not reviewed yet.")
                    else:
                        st.caption(common.plain(f"Marked {VERDICT_WORDS.get(review.verdict, review.verdict)} by "
                                                f"{review.by}, {review.at[:19].replace('T', ' ')} UTC"
                                                + (f": {review.note}" if review.note else "")))
                    note_col, alarm_col, ident_col = st.columns([3, 1, 1])
                    note = note_col.text_input("Why (optional)", key=common.field_key("scan-note", fid),
                                               placeholder="Why (optional)", label_visibility="collapsed")
                    current = review.verdict if review else None
                    if alarm_col.button("False alarm", key=f"scan-false:{fid}", disabled=current == "false_alarm"):
                        record_verdict(f, "false_alarm", note)
                    if ident_col.button("Identifier", key=f"scan-identifier:{fid}",
                                        disabled=current == "identifier"):
                        record_verdict(f, "identifier", note)
    if found:
        with st.expander("All these findings as a table"):
            st.dataframe(pd.DataFrame([{
                "id": study.finding_id(f), "segment": f.segment_id, "participant": row.participant_id or "",
                "type": f.type, "text": f.text, "score": round(f.score, 2),
                "verdict": VERDICT_WORDS.get(r.verdict, r.verdict) if r else "", "by": r.by if r else "",
                "why": f.why, "in context": row.text[max(0, f.start - 40):f.end + 40]} for row, f, r in found]),
                hide_index=True, width="stretch")

st.header("De-identified copies (before importing)")
st.caption("Copies of transcripts and tables with the identifiers you confirm replaced by placeholders, as "
           "'workbench pseudonymise' makes them. First find the identifiers (nothing is written); then tick what to "
           "replace and edit placeholders if you like (one original, one placeholder); then make the copies and "
           "download them. Nothing is written into the study: check the copies, then import them above.")
PSEUDO_FORMATS = [suffix[1:] for suffix in pseudonymise.SUFFIXES]
PSEUDO_SHOWN = ["keep", "text", "placeholder", "type", "score", "file", "where", "context", "why", "id"]


def pseudo_table(findings, choices: dict[str, tuple[str, bool]]) -> pd.DataFrame:
    """The findings as the editor shows them, with the researcher's choices so far."""
    return pd.DataFrame([{
        "keep": choices[f.id][1], "text": f.text, "placeholder": choices[f.id][0], "type": f.type,
        "score": round(f.score, 2), "file": f.file, "where": f.where, "context": f.context, "why": f.why,
        "id": f.id} for f in findings], columns=PSEUDO_SHOWN)


def upload(given) -> tuple[str, bytes] | None:
    return (given.name, given.getvalue()) if given is not None else None


pseudo_batch = st.session_state.get("_pseudo_round", 0)
with st.form("pseudonymise"):
    to_copy = st.file_uploader(f"Files to copy: transcripts and tables ({', '.join(pseudonymise.SUFFIXES)})",
                               type=PSEUDO_FORMATS, accept_multiple_files=True, key=f"pseudo-files-{pseudo_batch}")
    a, b, c = st.columns(3)
    pseudo_names = a.file_uploader("Names the team knows occur in them (optional: .txt, one per line)", type=["txt"],
                                   key=f"pseudo-names-{pseudo_batch}")
    pseudo_places = b.file_uploader("Local places: estates, villages, wards (optional: .txt, one per line)",
                                    type=["txt"], key=f"pseudo-places-{pseudo_batch}")
    pseudo_key = c.file_uploader("Key from an earlier batch (optional: .csv), so placeholders carry on",
                                 type=["csv"], key=f"pseudo-key-{pseudo_batch}")
    if st.form_submit_button("Find identifiers", help="Reads the files and lists what may identify someone. "
                             "Nothing is written."):
        if not to_copy:
            st.warning("Choose at least one file to copy.")
        else:
            files = [(u.name, u.getvalue()) for u in to_copy]
            try:
                with st.spinner("Finding identifiers…"):
                    findings = pseudonymise.scan_uploads(files, names=upload(pseudo_names),
                                                         places=upload(pseudo_places), key=upload(pseudo_key))
            except WorkbenchError as exc:
                st.error(common.plain(str(exc)))
            else:  # kept for this session only: the files' bytes, the findings and the choices made on them
                st.session_state["_pseudo"] = {
                    "files": files, "key": upload(pseudo_key), "findings": findings, "round": pseudo_batch,
                    "choices": {f.id: (f.placeholder, f.action == "keep") for f in findings}, "made": None}
                st.session_state["_pseudo_round"] = pseudo_batch + 1
                st.rerun()

pseudo = st.session_state.get("_pseudo")
if pseudo is not None:
    found_in = pseudo["findings"]
    names_given = ", ".join(name for name, _ in pseudo["files"])
    st.caption(common.plain(
        f"{len(found_in)} possible identifier(s) in {names_given}"
        + (f", placeholders carrying on from the key {pseudo['key'][0]}" if pseudo["key"] else "")
        + ". Ticked findings (those scored 0.5 or more, to begin with) are replaced by their placeholder; "
        "unticked ones are left as they are. The same original needs the same placeholder everywhere."))
    editor_key = f"pseudo-review-{pseudo['round']}"
    if editor_key not in st.session_state:  # a fresh editor (first time, or back from another page): start it
        pseudo["shown"] = pseudo_table(found_in, pseudo["choices"])  # from the choices made so far
    edited = st.data_editor(
        pseudo["shown"], key=editor_key, hide_index=True, num_rows="fixed", width="stretch",
        disabled=[c for c in PSEUDO_SHOWN if c not in ("keep", "placeholder")],
        column_config={
            "keep": st.column_config.CheckboxColumn("keep", help="Ticked: replace it with its placeholder."),
            "placeholder": st.column_config.TextColumn("placeholder", max_chars=100,
                                                       help="What goes in its place, e.g. [Person 1]."),
            "score": st.column_config.NumberColumn("score", format="%.2f", help="How sure the scan is."),
        })
    pseudo["choices"] = {row["id"]: (row["placeholder"], row["keep"]) for row in edited.to_dict("records")}
    left, right = st.columns([1, 3])
    if left.button("Make the copies", type="primary", key="pseudo-make"):
        try:
            with st.spinner("Making the copies…"):
                made = pseudonymise.copies_from_review(
                    pseudo["files"], pseudonymise.reviewed(found_in, edited.to_dict("records")), key=pseudo["key"])
        except WorkbenchError as exc:
            pseudo["made"] = None
            st.error(common.plain(str(exc)))
        else:
            pseudo["made"] = (dict(pseudo["choices"]), made)
    if right.button("Start again", key="pseudo-clear", help="Forget these files, findings and choices."):
        st.session_state.pop("_pseudo", None)
        st.rerun()
    if pseudo.get("made") is not None:
        made_with, made = pseudo["made"]
        if made_with != pseudo["choices"]:
            st.info("The table has changed since the copies were made: make them again.")
        else:
            counts = ", ".join(f"{name} ({made.outcome.replaced.get(name, 0)} replacement(s))" for name in made.names)
            st.success(common.plain(f"{len(made.names)} de-identified cop{'y' if len(made.names) == 1 else 'ies'}: "
                                    f"{counts}. Read them before importing."))
            for warning in made.outcome.warnings:
                st.warning(common.plain(warning))
            st.download_button("Download the copies (.zip)", made.zip, file_name="de-identified-copies.zip",
                               mime="application/zip", on_click="ignore", key="pseudo-zip")
            if made.key is not None:
                key_name = pseudo["key"][0] if pseudo["key"] else "key.csv"
                st.warning(common.plain(
                    f"The key ({key_name}) maps each placeholder back to the real identifier: keep it with the "
                    "original transcripts, never with the copies, and give it here with the next batch so its "
                    "placeholders carry on."))
                st.download_button("Download the key (.csv): it holds the real identifiers", made.key,
                                   file_name=key_name, mime="text/csv", on_click="ignore", key="pseudo-keyfile")

st.header("Discover candidate themes")
if view.segments:
    try:
        ahead = study.estimate_discovery()
    except WorkbenchError as exc:
        st.error(common.plain(str(exc)))
    else:
        if ahead.segments:
            st.caption(" ".join(["With the settings below left as they are:", *describe(ahead)]))
with st.form("discover"):
    a, b, c = st.columns(3)
    seed = a.number_input("Seed", 0, 2**31 - 1, 42, help="The same seed and segments give the same candidates.")
    min_size = b.number_input("Smallest candidate (0: grows with the study)", 0, 10_000, 0)
    runs = c.number_input("Layouts that vote (0: chosen by study size)", 0, 50, 0,
                          help="Candidates are the themes most of these seeded layouts find; more is steadier and "
                          "slower; an odd number avoids ties. By default 31 up to 10,000 segments, fewer "
                          "above as each layout costs more (5 from 50,000).")
    a, b = st.columns(2)
    precision = a.radio("Embeddings", list(PRECISIONS), horizontal=True,
                        help="Full precision gives sentence-transformers' own vectors: use it for the run you "
                        "report. The quick look (int8) embeds 1.4-2 times as fast, but its candidates "
                        "differ from full precision's by more than two seeds' do, and its vectors differ "
                        "between processors.")
    a, b = st.columns(2)
    min_similarity = a.slider("Leave unassigned below this similarity", 0.0, 1.0, 0.25, 0.05,
                              help="...and far out among the nearest candidate's members: those go to triage.")
    interviewer = b.checkbox("Cluster interviewer turns too")
    a, b = st.columns(2)
    question_weight = a.slider("Read each answer with its question", 0.0, 2.0, QUESTION_WEIGHT, 0.25,
                               help="How much of the interviewer's question before it each answer is clustered "
                                    "with (0: answers alone). Quotes and text are the answer's own.")
    small_talk = b.checkbox("Keep small talk apart", value=True,
                            help="Greetings, thanks, consent and recording talk, backchannels: gathered into one "
                                 "group outside the candidates, to set aside in one click (English).")
    reading = a.radio("How an answer is read with its question", list(READINGS), horizontal=True,
                      help="Added: the question's meaning is added to the answer's, as strongly as the slider says "
                           "(the default, good for answers that make sense on their own). Joined: the answer's and "
                           "the question's words are read as one text: better for half-sentence answers, such as "
                           "counselling or focus-group talk.")
    phrases = st.text_area("Your own examples of small talk (optional, one per line, any language)", height=80,
                           help="Phrases that are small talk in your transcripts, such as greetings in the "
                                "interviews' language: they join the built-in English examples.")
    if st.form_submit_button("Run discovery", disabled=not view.segments):
        try:  # one layout is refused with a message: there is no vote with one
            params = DiscoveryParams(seed=int(seed), min_size=int(min_size) or None, include_interviewer=interviewer,
                                     min_similarity=float(min_similarity), runs=int(runs) or None,
                                     question_weight=float(question_weight), question_reading=READINGS[reading],
                                     small_talk="english" if small_talk else "off",
                                     small_talk_phrases=tuple(filter(None, map(str.strip, phrases.splitlines()))))
            st.info(" ".join(describe(study.estimate_discovery(params, PRECISIONS[precision]))))
            run = study.discover(params, by=common.researcher(), backend=PRECISIONS[precision],
                                 progress=common.progress_bar("Discovering"))
        except WorkbenchError as exc:
            st.error(common.plain(str(exc)))
        else:
            apart = run.params.get("small_talk_segments") or 0
            st.session_state["flash"] = (f"Run {run.id}: {run.candidates} candidate themes from {run.segments} "
                                         f"segments, coverage {run.coverage:.0%}"
                                         + (f"; {apart} turns of small talk kept apart" if apart else ""))
            st.rerun()

runs = study.runs()
if runs:
    st.header("Runs")
    st.dataframe(pd.DataFrame([{
        "run": r.id, "when": r.created_at[:19].replace("T", " "), "by": r.by, "segments": r.segments,
        "candidates": r.candidates, "coverage": f"{r.coverage:.0%}", "seed": r.seed,
        "min size": r.params.get("min_cluster_size"), "model": f"{r.model_name} ({r.backend})",
        "seconds": round(sum(r.timings.values()), 1)} for r in reversed(runs)]), hide_index=True,
        width="stretch")
