"""Candidates: the review queue. Accept, reject, merge or split each candidate; triage the rest.

The candidate on screen is held by its number (``common.pick``), not by its label, so a
decision lands on the candidate the researcher is looking at; after a decision the page
moves to the next candidate still to review, never back to the first. Form fields are
keyed per candidate and per decision: no reason or name is carried into the next one.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.figure_factory as ff
import streamlit as st

from workbench.core.runs import candidate_id, linkage_matrix
from workbench.errors import WorkbenchError
from workbench.pages import common

study = common.study()
me = common.researcher()
st.title("Candidates")
common.flash()

data = common.run_data(study)
if data is None:
    st.info("No discovery run yet: run one on the Study page.")
    st.stop()
run, every, assigned = data
found = [c for c in every if not c.is_small_talk]  # the candidates proper; small talk is a group apart
talk = next((c for c in every if c.is_small_talk), None)
book = study.codebook()
index = study.segment_index()
cid = {c.number: candidate_id(run.id or 0, c.number) for c in every}
by_number = {c.number: c for c in found}


def undecided(number: int) -> bool:
    return common.undecided(book, cid[number])


to_go = sum(undecided(c.number) for c in found)
st.caption(f"Run {run.id}: {len(found)} candidates from {run.segments} segments, coverage {run.coverage:.0%}, "
           f"seed {run.seed}. {to_go} still to review; undecided candidates first."
           + (f" {talk.size} turns of small talk are kept apart (see the triage tab)." if talk else ""))
review, triage = common.tabs(["Review", "Unassigned segments (triage)"], key="candidates-tab")

with review:
    show_all = st.toggle("Show decided candidates too", value=False, key="candidates-all")
    queue = [c.number for c in found if show_all or undecided(c.number)]
    if not queue:
        st.success("Every candidate of this run has been decided.")
    else:
        number = common.pick(
            "Candidate", queue, key="candidate",
            format_func=lambda n: f"{cid[n]} · {by_number[n].label} · {by_number[n].size} segments · "
                                  f"{common.fate(book, cid[n])}")
        chosen = by_number[number]
        this = cid[number]
        order = [c.number for c in found]

        def then_next() -> None:
            """After a decision on this candidate: the next one still to review (in the run's order).

            Judged on the codebook after the decision: a merge may have taken other candidates too.
            """
            after_it = study.codebook()
            following = common.after(order, number, lambda n: n != number
                                     and common.undecided(after_it, cid[n]))
            if following is not None:
                common.show_next("candidate", following)

        open_ = undecided(number)
        st.subheader(common.plain(f"{this}: {chosen.label}"))
        m = st.columns(5)
        m[0].metric("Segments", chosen.size)
        m[1].metric("Participants", chosen.participants)
        m[2].metric("Sites", chosen.sites)
        m[3].metric("Stability", f"{chosen.stability:.2f}",
                    help="How consistently this candidate appears across the run's seeded layouts "
                         "(mean best-match Jaccard): near 1 is robust")
        m[4].metric("Status", common.fate(book, this))
        st.text("Keywords: " + ", ".join(f"{w} ({s:.2f})" for w, s in chosen.keywords[:10]))
        st.caption("Representative quotes (from different participants and sites)")
        for seg in chosen.representatives:
            common.quote(index.get(seg))
        if chosen.children:
            with st.expander(f"Open it: {len(chosen.children)} sub-candidates the run found inside it"):
                st.caption("Narrower groups that most of the run's layouts found inside this candidate. Accept "
                           "them as themes of their own when the candidate is too broad to accept as it stands.")
                for i, part in enumerate(chosen.children, start=1):
                    st.markdown(f"**{i}. {common.plain(part['label'])}** · {len(part['members'])} segments · "
                                f"stability {part['stability']:.2f}")
                    st.caption(common.plain("Keywords: " + ", ".join(k[0] for k in part["keywords"][:8])))
                    for seg in part["representatives"][:2]:
                        common.quote(index.get(seg))
                with st.form("sub-candidates"):
                    why = st.text_input("Reason (required)", key=common.field_key("sub-why", this))
                    if st.form_submit_button(f"Accept as {len(chosen.children)} themes, one per sub-candidate",
                                             disabled=not open_):
                        common.act(lambda: study.accept_sub_candidates(this, me, why),
                                   f"Accepted {this} as {len(chosen.children)} themes", then_next)

        accept, reject, merge, split = common.tabs(["Accept", "Reject", "Merge", "Split"], key="candidate-action")
        with accept, st.form("accept"):
            name = st.text_input("Theme name", value=book.suggested_name(chosen.label, this),
                                 key=common.field_key("accept-name", this))
            why = st.text_input("Why (optional)", key=common.field_key("accept-why", this))
            if st.form_submit_button("Accept as a theme", disabled=not open_):
                common.act(lambda: study.accept(this, name, me, why), f"Accepted {this} as {name!r}", then_next)
        with reject, st.form("reject"):
            why = st.text_input("Reason (required)", key=common.field_key("reject-why", this))
            if st.form_submit_button("Reject", disabled=not open_):
                common.act(lambda: study.reject(this, me, why), f"Rejected {this}", then_next)
        with merge:
            others = [n for n in order if n != number and undecided(n)]
            targets = [*sorted(book.themes), *(cid[n] for n in others)]
            merge_names = {**{t: book.themes[t].name for t in book.themes},
                           **{cid[n]: by_number[n].label for n in others}}
            with st.form("merge"):
                st.caption(f"Merge {this} (and any other candidates chosen below) into one theme.")
                target = common.choice("Merge into (a theme, or a candidate to accept with it)", targets,
                                       common.field_key("merge-target", this), merge_names.get)
                also = st.multiselect("Also merge these candidates (optional)", [cid[n] for n in others],
                                      format_func=lambda t: f"{t} · {merge_names[t]}",
                                      key=common.field_key("merge-also", this))
                name = st.text_input("Name, when merging into a candidate (default: its label)",
                                     key=common.field_key("merge-name", this))
                why = st.text_input("Reason (required)", key=common.field_key("merge-why", this))
                if st.form_submit_button("Merge", disabled=not open_ or not targets) and target is not None:
                    sources = [this, *(s for s in also if s != target)]
                    common.act(lambda: study.merge(sources, target, name or None, me, why),
                               f"Merged {', '.join(sources)} into {target}", then_next)
        with split:
            parts = st.number_input("Parts (0: the best of 2-6)", 0, 6, 0, key="split-parts")
            if st.button("Propose sub-groups", disabled=not open_):
                try:
                    # Numbered, so a new proposal's fields start at its own names, not the last one's.
                    st.session_state["proposal"] = (this, study.propose_split(
                        this, int(parts) or None, common.progress_bar("Proposing sub-groups")),
                        st.session_state.get("proposal", (None, None, 0))[2] + 1)
                except WorkbenchError as exc:
                    st.error(common.plain(str(exc)))
            proposal = st.session_state.get("proposal")
            if proposal and proposal[0] == this:
                with st.form("split"):
                    names = []
                    for i, part in enumerate(proposal[1]):
                        names.append(st.text_input(f"Part {i + 1} ({len(part.members)} segments)", value=part.label,
                                                   key=common.field_key(f"part-{i}", f"{this}-{proposal[2]}")))
                        for seg in part.members[:2]:
                            common.quote(index.get(seg))
                    why = st.text_input("Reason (required)", key=common.field_key("split-why", this))
                    if st.form_submit_button("Accept as these themes"):
                        chosen_parts = [(n, p.members) for n, p in zip(names, proposal[1], strict=True)]
                        common.act(lambda: study.accept_in_parts(this, chosen_parts, me, why),
                                   f"Accepted {this} as {len(names)} themes", then_next)

        st.subheader("Its segments")
        st.caption("Each member in full, most similar to the candidate first, with the turn it answers.")
        members = [(index[a.segment_id], a.similarity) for a in sorted(
            (a for a in assigned if a.candidate == number), key=lambda a: (-a.similarity, a.segment_id))
            if a.segment_id in index]
        sims = {r.id: s for r, s in members}
        common.segment_reader([r for r, _ in members], study, key="members",
                              extra=lambda r: f"similarity {sims[r.id]:.3f}")

    pairs = [(cid[a], cid[b], s) for a, b, s in run.merge_suggestions if undecided(a) and undecided(b)]
    if pairs:
        st.subheader("Merge suggestions")
        label = {cid[c.number]: c.label for c in found}
        st.dataframe(pd.DataFrame([{"candidate": a, "label": label[a], "with": b, "its label": label[b],
                                    "similarity": round(s, 3)} for a, b, s in pairs]), hide_index=True,
                     width="stretch")

    if len(found) >= 3 and run.hierarchy:
        with st.expander("Families of candidates (a tree of how they group)"):
            st.caption("Candidates that join near the left say similar things; moving right, they gather into "
                       "broader families (the distance is between the candidates' centres). To look for finer "
                       "distinctions inside one candidate, use its Split tab.")
            tree = np.asarray(linkage_matrix(run.hierarchy))
            # Plotly reads a little HTML in tick labels: escaped, a label is shown as written.
            short = {c.number: c.label if len(c.label) <= 40 else c.label[:39] + "…" for c in found}
            names = [html.escape(f"{cid[c.number]} · {short[c.number]}", quote=False) for c in found]
            figure = ff.create_dendrogram(np.zeros((len(found), 1)), orientation="left", labels=names,
                                          linkagefun=lambda _: tree)
            figure.update_layout(height=160 + 22 * len(found), margin={"l": 10, "r": 10, "t": 10, "b": 30},
                                 showlegend=False, xaxis_title="distance between centres (1 - cosine)")
            st.plotly_chart(figure, key="families")

with triage:
    if talk is not None:
        talk_id = cid[talk.number]
        with st.container(border=True):
            st.subheader(f"{talk.label}: {talk.size} turns")
            st.caption("Greetings, thanks, apologies, consent and recording talk, backchannels and other turns with "
                       "no analytic content, recognised by rules and the model and kept out of the candidates. "
                       "Read them; if they hold no theme, set the whole group aside in one click. A turn that does "
                       "say something can still be coded to a theme from the Themes page.")
            for seg in common.paged(study.candidate_members(talk_id), key="talk-page", size=8):
                row = index.get(seg)
                if row is not None:
                    st.text(f"{row.id} · {common.who_said(row)}: {row.text}")
            if common.undecided(book, talk_id):
                if st.button("Not a theme: set the whole group aside", key="talk-reject", type="primary"):
                    common.act(lambda: study.reject(talk_id, me, "Not a theme: small talk and interview procedure "
                                                                  "(greetings, thanks, consent, backchannels)"),
                               f"Set {talk_id} aside: not a theme")
            else:
                st.caption(f"{talk_id}: {common.fate(book, talk_id)}")
    queue_rows = study.triage(run.id)
    st.caption(f"{len(queue_rows)} segment(s) were not close enough to any candidate and no theme holds them. "
               "Tick several, then assign them to a theme or dismiss them (read, and belonging to no theme).")
    if queue_rows:
        shown = list(common.paged(queue_rows, key="triage-page", size=10))
        before = study.turns_before()
        ticked = []
        for record, near in shown:
            row = index.get(record.segment_id)
            if row is None:
                continue
            with st.container(border=True):
                hint = ", ".join(f"{t} {book.themes[t].name} ({s:.2f})" for t, s in near[:3]) or "no close theme"
                if st.checkbox(common.plain(f"{row.id} · {common.who_said(row)}"),
                               key=common.field_key("triage-tick", row.id)):
                    ticked.append(row.id)
                previous = before.get(row.id)
                if previous is not None:
                    st.caption(common.plain(f"Before, {common.who_said(previous)}: {previous.text}"))
                st.text(row.text)
                st.caption(common.plain(f"Nearest themes: {hint}; nearest candidate "
                                        f"{cid.get(record.nearest, '?')} ({record.nearest_similarity:.2f})"))
        nearest = next((near[0][0] for record, near in shown if record.segment_id in ticked and near), None)
        options = sorted(book.themes)
        with st.form("triage"):
            st.caption(f"{len(ticked)} ticked on this page")
            left, right = st.columns([3, 2])
            # Keyed by the nearest theme of what is ticked, so the box starts there as ticks change.
            theme = common.choice("Theme", options, common.field_key("triage-theme", nearest or ""),
                                  lambda t: book.themes[t].name, where=left,
                                  index=options.index(nearest) if nearest in options else 0, disabled=not options)
            why = right.text_input("Why (optional)", key=common.field_key("triage-why"))
            a, b = st.columns(2)
            if a.form_submit_button("Assign the ticked segments", disabled=not options):
                common.act(lambda: study.assign(ticked, theme, me, why),
                           f"Assigned {len(ticked)} segment(s) to {theme}")
            if b.form_submit_button("Dismiss the ticked segments"):
                common.act(lambda: study.dismiss(ticked, me, why), f"Dismissed {len(ticked)} segment(s) from triage")
        if not options:
            st.info("Accept a candidate first: unassigned segments are assigned to themes.")
