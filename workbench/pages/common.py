"""What every page shares: the session's study and researcher, actions, and plain-text quotes.

Transcript text is data, never markup: quotes go through ``plain`` (Markdown and HTML
characters escaped) or into dataframes, which show cells as text. No page uses
``unsafe_allow_html``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from workbench.decisions import Event
from workbench.errors import WorkbenchError
from workbench.markup import markdown_literal
from workbench.segments import SegmentRow
from workbench.study import Study, default_researcher

PAGE_SIZE = 25
plain = markdown_literal  # text safe to pass to st.markdown or a label


def location() -> str:
    return st.session_state.get("study_location") or os.environ.get("WORKBENCH_STUDY", "")


def study() -> Study:
    """This browser session's study: its own facade, so its codebook cache is its own."""
    where = location()
    if not where:
        st.error("No study is open. Start the app with: workbench app --study FOLDER")
        st.stop()
    held = st.session_state.get("_study")
    if held is None or held[0] != where:
        try:
            held = (where, Study.open(where))
        except WorkbenchError as exc:
            st.error(str(exc))
            st.stop()
        st.session_state["_study"] = held
    return held[1]


def researcher() -> str:
    """The name recorded on this session's events: asked once per browser session."""
    name = st.session_state.get("researcher", "")
    if name:
        return name
    st.info("Who is reviewing? Your name is recorded with every decision you make in this session.")
    with st.form("who"):
        typed = st.text_input("Your name", value=default_researcher())
        if st.form_submit_button("Start") and typed.strip():
            st.session_state["researcher"] = typed.strip()
            st.rerun()
    st.stop()


def act(action: Callable[[], Event | Sequence[Event]], done: str | None = None) -> bool:
    """Run one facade action; on success, remember what it did for the next run and rerun.

    A refusal (a theme merged by someone else a moment ago, a missing reason) is shown
    as an error and nothing is recorded.
    """
    try:
        result = action()
    except WorkbenchError as exc:
        st.error(str(exc))
        return False
    events = [result] if isinstance(result, Event) else list(result)
    seqs = ", ".join(f"#{e.seq}" for e in events)
    st.session_state["flash"] = f"{done or 'Done'} (event {seqs}; revert it from the Decision log)"
    st.rerun()
    return True


def flash() -> None:
    message = st.session_state.pop("flash", None)
    if message:
        st.success(message)


def quote(row: SegmentRow | None, text: str | None = None) -> None:
    """A segment as a quote: who said it, then its words as plain text."""
    if row is None:
        return
    who = " · ".join(x for x in (row.participant_id or row.speaker or "", row.site or "", row.role or "") if x)
    st.markdown(f"> {plain(text if text is not None else row.text)}  \n> — *{plain(who or row.transcript_id)}*, "
                f"`{row.id}`")


def paged(items: Sequence[Any], key: str, size: int = PAGE_SIZE) -> Sequence[Any]:
    """One page of ``items`` with a page picker: no page sends every segment to the browser."""
    pages = max(1, -(-len(items) // size))
    page = st.number_input(f"Page (of {pages}; {len(items)} in all)", 1, pages, 1, key=key) if pages > 1 else 1
    return items[(page - 1) * size: page * size]


def segment_table(rows: Sequence[SegmentRow], extra: dict[str, Sequence[Any]] | None = None) -> None:
    """Segments as a table: cells are shown as text, never interpreted."""
    import pandas as pd

    data: dict[str, Any] = {
        "segment": [r.id for r in rows], "participant": [r.participant_id or "" for r in rows],
        "site": [r.site or "" for r in rows], "role": [r.role or "" for r in rows], "text": [r.text for r in rows]}
    for name, values in (extra or {}).items():
        data[name] = list(values)
    st.dataframe(pd.DataFrame(data), hide_index=True, width="stretch",
                 column_config={"text": st.column_config.TextColumn(width="large")})


def site_role_filter(rows: Sequence[SegmentRow], key: str) -> list[SegmentRow]:
    """Filter segments by site and role with two select boxes."""
    sites = sorted({r.site or "(no site)" for r in rows})
    roles = sorted({r.role or "(no role)" for r in rows})
    left, right = st.columns(2)
    site = left.selectbox("Site", ["(all)", *sites], key=f"{key}-site")
    role = right.selectbox("Role", ["(all)", *roles], key=f"{key}-role")
    return [r for r in rows if (site == "(all)" or (r.site or "(no site)") == site)
            and (role == "(all)" or (r.role or "(no role)") == role)]


def progress_bar(label: str) -> Callable[[int, int, str], None]:
    bar = st.progress(0.0, text=label)

    def report(done: int, total: int, what: str) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"{label}: {what}")

    return report


def made_at_click(where: str, make: Callable[[Study], bytes | str]) -> Callable[[], bytes | str]:
    """A download's contents, made when the button is clicked, from the study at ``where``.

    Streamlit calls it on a thread of its own while the page reruns, so it opens the study
    itself instead of sharing the session's facade, whose decision-log cache is not made
    for two threads at once. The file is the study as it stands at the click. If it cannot
    be made, the browser says only that it failed, so the reason goes to the log of the
    terminal the app was started from.
    """
    def made() -> bytes | str:
        try:
            fresh = Study.open(where)
            try:
                return make(fresh)
            finally:
                fresh.close()
        except WorkbenchError as exc:
            logging.getLogger("workbench").error("a download could not be made: %s", exc)
            raise

    return made


def run_data(target: Study, run_id: int | None = None) -> tuple[Any, list[Any], list[Any]] | None:
    """(run, candidates, assignments) of a run, or None before the first run (the facade caches runs)."""
    if run_id is None and target.store.latest_run_id() is None:
        return None
    run, found = target.candidates(run_id)
    return run, found, target.assignments(run.id)[1]


def fate(book: Any, candidate: str) -> str:
    """What became of a candidate: 'to review', 'accepted as T-001', 'rejected', 'merged into T-002'."""
    return book.candidates.get(candidate, "to review")
