"""What every page shares: the session's study and researcher, actions, and plain-text quotes.

Transcript text is data, never markup: quotes go through ``plain`` (Markdown and HTML
characters escaped) or into dataframes, which show cells as text. No page uses
``unsafe_allow_html``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from workbench.core.decisions import Codebook, Event
from workbench.core.markup import markdown_literal
from workbench.core.segments import SegmentRow
from workbench.errors import WorkbenchError
from workbench.study import Study, default_researcher

PAGE_SIZE = 25
plain = markdown_literal  # text safe to pass to st.markdown or a label


def location() -> str:
    return st.session_state.get("study_location") or os.environ.get("WORKBENCH_STUDY", "")


def study() -> Study:
    """This browser session's study: its own facade, so its codebook cache is its own.

    Every page calls it first, so it also starts the run's record of pickers whose item
    went away (``pick``): what a page run found is not held against the next page's actions.
    """
    st.session_state["_lost"] = {}
    where = location()
    if not where:
        st.error("No study is open. Start the app with: workbench app --study FOLDER")
        st.stop()
    held = st.session_state.get("_study")
    if held is None or held[0] != where:
        try:
            held = (where, Study.open(where))
        except WorkbenchError as exc:
            st.error(plain(str(exc)))
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


def act(action: Callable[[], Event | Sequence[Event]], done: str | None = None,
        then: Callable[[], None] | None = None) -> bool:
    """Run one facade action; on success, remember what it did for the next run and rerun.

    A refusal (a theme merged by someone else a moment ago, a missing reason) is shown
    as an error where it was asked for (inside the form or tab the researcher is using),
    nothing is recorded and what they typed stays. On success every form field made with
    ``field_key`` starts afresh, so no decision's words are carried into the next, and
    ``then`` may point a picker at the item to show next.
    """
    lost = {k: v for k, v in st.session_state.get("_lost", {}).items() if v is not None}
    if lost:  # a picker's item went away since the page was drawn: the form was filled in for it
        st.error(plain("Nothing was recorded: " + "; ".join(
            f"{item} is no longer there (changed by another decision since the page was drawn)"
            for item in lost.values()) + ". Check the item now shown and try again."))
        return False
    held = st.session_state.get("_study")
    try:
        if held is None:
            result, repeated = action(), False
        else:
            with held[1].once(_client_id(done)) as once:
                result = action()
            repeated = bool(once.repeated)
    except WorkbenchError as exc:
        st.error(plain(str(exc)))
        return False
    events = [result] if isinstance(result, Event) else list(result)
    seqs = ", ".join(f"#{e.seq}" for e in events if isinstance(e, Event))
    if repeated:
        st.session_state["flash"] = (f"{done or 'This'} was already recorded (event {seqs}), though the page had not "
                                     "shown it yet: nothing new was recorded. If you changed anything before "
                                     "submitting again, submit it once more.")
    else:
        st.session_state["flash"] = f"{done or 'Done'} (event {seqs}; revert it from the Decision log)"
    st.session_state["_decided"] = st.session_state.get("_decided", 0) + 1
    if then is not None:
        then()
    st.rerun()
    return True


def _client_id(done: str | None) -> str:
    """The client id of a form's submission: the same for the same action until a decision is recorded.

    A submission whose decision was committed but whose page never showed it (the
    connection dropped, the run was cut short) and is submitted again is then recorded
    once, not twice (``Study.once``). Each recorded decision starts a new generation
    (``_decided``), so the next submission, even of the same action, is a new decision.
    """
    token = st.session_state.setdefault("_client", uuid.uuid4().hex)
    action = hashlib.sha256(f"{st.session_state.get('_decided', 0)}\0{done or ''}".encode()).hexdigest()[:16]
    return f"app-{token}-{action}"


def flash() -> None:
    """The last action's outcome, once. Its words may quote names: shown as text."""
    message = st.session_state.pop("flash", None)
    if message:
        st.success(plain(message))


def field_key(name: str, item: object = "") -> str:
    """A form field's key: per item, and new after every recorded decision.

    Streamlit keeps a keyed field's value for as long as its key is used. A key of the
    field's name alone carried the reason typed for one candidate into the next accept,
    and the last merge's name into the next merge form; keyed per item and per decision,
    a field is empty (or at its item's own value) whenever a new decision is to be made,
    and keeps what was typed when a decision is refused.
    """
    return f"{name}:{item}:{st.session_state.get('_decided', 0)}"


def pick(label: str, options: Sequence[Any], key: str, format_func: Callable[[Any], str] = str,
         where: Any = None, guard: bool = True, **kwargs: Any) -> Any:
    """A select box that holds its item by the item's stable id, whatever its label does.

    Streamlit remembers a select box's choice by the label shown; when the chosen item's
    label changed (a theme renamed, a segment count after a move) the remembered label
    matched nothing and the box fell back to the first item, so the next decision landed
    on T-001. Here the chosen id is kept apart (``_held:KEY``) and is the box's starting
    index, so a box that loses its label comes back on the same item, and survives a
    switch to another page and back. ``show_next`` moves it on purpose. ``guard=False``
    for a picker no action depends on (what to read), whose item going away refuses nothing.
    """
    options = list(options)
    held = st.session_state.get(f"_held:{key}")
    index = options.index(held) if held in options else 0
    # An item that went away (merged by another researcher) leaves the box on another item:
    # remembered for this run, so that a form filled in for the item that went is refused
    # (``act``) instead of being recorded on the one the box fell back to.
    gone = held if held is not None and held not in options else None
    st.session_state.setdefault("_lost", {})[key] = gone if guard else None
    turn = st.session_state.get(f"_turn:{key}", 0)
    widget = key if not turn else f"{key}~{turn}"
    if gone is not None:
        turn += 1  # a fresh box on the item it falls back to, not the browser's label of the one that went
        st.session_state[f"_turn:{key}"] = turn
        widget = f"{key}~{turn}"
    value = (where or st).selectbox(label, options, index=index, format_func=format_func, key=widget, **kwargs)
    st.session_state[f"_held:{key}"] = value  # the fallback too: a box is never stuck on an item that went
    return value


def choice(label: str, options: Sequence[str], key: str, name: Callable[[str], str], where: Any = None,
           **kwargs: Any) -> str | None:
    """A select box in a form whose options are ids shown as "ID · name", names that may change.

    When another decision renames the chosen theme before the form is sent (a rerun in
    between, a tab switched), the browser sends the label it showed, which Streamlit no
    longer knows, and its box fell back to the first option: a merge meant for T-003 went
    to T-001. Here a label is read back by its id, whatever name follows it, and the id is
    returned (None if it is no longer among the options).
    """
    known = set(options)

    def shown(value: Any) -> str:
        ident = str(value).split(" · ")[0]
        return f"{ident} · {name(ident)}" if ident in known else str(value)

    value = (where or st).selectbox(label, list(options), format_func=shown, key=key, **kwargs)
    ident = None if value is None else str(value).split(" · ")[0]
    return ident if ident in known else None


def show_next(key: str, value: Any) -> None:
    """Point the picker ``key`` at ``value`` on the next run (after an action, the next item to review)."""
    st.session_state[f"_held:{key}"] = value
    st.session_state[f"_turn:{key}"] = st.session_state.get(f"_turn:{key}", 0) + 1


def held(key: str) -> Any:
    """What the picker ``key`` holds now (None before it was first shown)."""
    return st.session_state.get(f"_held:{key}")


def after(items: Sequence[Any], current: Any, keep: Callable[[Any], bool]) -> Any:
    """The next item after ``current`` that ``keep`` accepts, wrapping round; None if none."""
    items = list(items)
    start = items.index(current) + 1 if current in items else 0
    for candidate in items[start:] + items[:start]:
        if candidate != current and keep(candidate):
            return candidate
    return None


def tabs(labels: Sequence[str], key: str) -> Sequence[Any]:
    """Tabs that stay on the tab the researcher chose across reruns.

    Plain tabs forget their choice whenever the page above them changes (a success
    banner going), so a refusal was shown inside a tab no longer on screen. Labels must
    not change between runs: a count belongs in the tab, not in its label.
    """
    return st.tabs(list(labels), key=key, on_change="rerun")


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


def who_said(row: SegmentRow) -> str:
    """Speaker, participant, site and role of a segment, as one line of plain words."""
    person = row.speaker or ""
    if row.participant_id and row.participant_id != person:
        person = f"{person} ({row.participant_id})" if person else row.participant_id
    if row.is_interviewer:
        person = f"{person} (interviewer)" if person else "interviewer"
    return " · ".join(x for x in (person, row.site or "", row.role or "") if x) or row.transcript_id


def segment_reader(rows: Sequence[SegmentRow], target: Study, key: str,
                   extra: Callable[[SegmentRow], str] | None = None, size: int = 10) -> list[SegmentRow]:
    """Segments to read in full: searchable, filtered by site and role, paged, each with its turn before.

    A table row shows one truncated line; a researcher deciding what a theme means reads
    whole answers, who gave them, and the question they answer. Returns the rows on the
    page shown, for actions on them.
    """
    left, right = st.columns([2, 3])
    search = left.text_input("Search these segments (words or a segment id)", key=f"{key}-search")
    with right:
        rows = site_role_filter(rows, key=key)
    if search.strip():
        words = search.lower().split()
        rows = [r for r in rows if all(w in r.text.lower() or w == r.id.lower() for w in words)]
    shown = list(paged(rows, key=f"{key}-page", size=size))
    before = target.turns_before()
    if not shown:
        st.caption("No segment matches.")
    for row in shown:
        with st.container(border=True):
            st.caption(plain(f"{row.id} · {who_said(row)}" + (f" · {extra(row)}" if extra else "")))
            previous = before.get(row.id)
            if previous is not None:
                st.caption(plain(f"Before, {who_said(previous)}: {previous.text}"))
            st.text(row.text)
    return shown


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
    if run_id is None and target.latest_run_id() is None:
        return None
    run, found = target.candidates(run_id)
    return run, found, target.assignments(run.id)[1]


def fate(book: Codebook, candidate: str) -> str:
    """What became of a candidate, to show: 'to review', 'accepted as T-001', 'rejected', 'merged into T-002'."""
    found = book.candidates.get(candidate)
    return "to review" if found is None else str(found)


def undecided(book: Codebook, candidate: str) -> bool:
    """Whether nobody has decided on a candidate yet: asked of the codebook, not of the words shown."""
    return candidate not in book.candidates
