"""Candidates: the review queue. Accept, reject, merge or split each candidate; triage the rest."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.figure_factory as ff
import streamlit as st

from workbench.errors import WorkbenchError
from workbench.pages import common
from workbench.runs import candidate_id, linkage_matrix

study = common.study()
me = common.researcher()
st.title("Candidates")
common.flash()

data = common.run_data(study)
if data is None:
    st.info("No discovery run yet: run one on the Study page.")
    st.stop()
run, found, assigned = data
book = study.codebook()
index = study.segment_index()
cid = {c.number: candidate_id(run.id or 0, c.number) for c in found}

st.caption(f"Run {run.id}: {len(found)} candidates from {run.segments} segments, coverage {run.coverage:.0%}, "
           f"seed {run.seed}. Undecided candidates first.")
show_all = st.toggle("Show decided candidates too", value=False)
queue = [c for c in found if show_all or common.fate(book, cid[c.number]) == "to review"]
review, triage = st.tabs([f"Review ({sum(common.fate(book, cid[c.number]) == 'to review' for c in found)} to go)",
                          "Unassigned segments (triage)"])

with review:
    if not queue:
        st.success("Every candidate of this run has been decided.")
    else:
        chosen = st.selectbox(
            "Candidate", queue, key="candidate",
            format_func=lambda c: f"{cid[c.number]} · {c.label} · {c.size} segments · "
                                  f"{common.fate(book, cid[c.number])}")
        this = cid[chosen.number]
        st.subheader(f"{this}: {chosen.label}")
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

        undecided = common.fate(book, this) == "to review"
        accept, reject, merge, split = st.tabs(["Accept", "Reject", "Merge", "Split"])
        with accept, st.form("accept"):
            name = st.text_input("Theme name", value=chosen.label, key=f"accept-name-{this}")
            why = st.text_input("Why (optional)", key="accept-why")
            if st.form_submit_button("Accept as a theme", disabled=not undecided):
                common.act(lambda: study.accept(this, name, me, why), f"Accepted {this} as {name!r}")
        with reject, st.form("reject"):
            why = st.text_input("Reason (required)", key="reject-why")
            if st.form_submit_button("Reject", disabled=not undecided):
                common.act(lambda: study.reject(this, me, why), f"Rejected {this}")
        with merge:
            targets = [t for t in sorted(book.themes)] + [cid[c.number] for c in found if c.number != chosen.number
                                                         and common.fate(book, cid[c.number]) == "to review"]
            labels = {t: f"{t} · {book.themes[t].name}" if t in book.themes else
                      f"{t} · {next(c.label for c in found if cid[c.number] == t)}" for t in targets}
            with st.form("merge"):
                target = st.selectbox("Merge into (a theme, or a candidate to accept with it)", targets,
                                      format_func=lambda t: labels[t], key="merge-target")
                name = st.text_input("Name, when merging into a candidate (default: its label)", key="merge-name")
                why = st.text_input("Reason (required)", key="merge-why")
                if st.form_submit_button("Merge", disabled=not undecided or not targets):
                    common.act(lambda: study.merge([this], target, name or None, me, why),
                               f"Merged {this} into {target}")
        with split:
            parts = st.number_input("Parts (0: the best of 2-6)", 0, 6, 0, key="split-parts")
            if st.button("Propose sub-groups", disabled=not undecided):
                try:
                    st.session_state["proposal"] = (this, study.propose_split(this, int(parts) or None))
                except WorkbenchError as exc:
                    st.error(str(exc))
            proposal = st.session_state.get("proposal")
            if proposal and proposal[0] == this:
                with st.form("split"):
                    names = []
                    for i, part in enumerate(proposal[1]):
                        names.append(st.text_input(f"Part {i + 1} ({len(part.members)} segments)", value=part.label,
                                                   key=f"part-{this}-{i}"))
                        for seg in part.members[:2]:
                            common.quote(index.get(seg))
                    why = st.text_input("Reason (required)", key="split-why")
                    if st.form_submit_button("Accept as these themes"):
                        chosen_parts = [(n, p.members) for n, p in zip(names, proposal[1], strict=True)]
                        common.act(lambda: study.accept_in_parts(this, chosen_parts, me, why),
                                   f"Accepted {this} as {len(names)} themes")

        st.caption("All member segments (most similar to the candidate first)")
        members = [(index[a.segment_id], a.similarity) for a in sorted(
            (a for a in assigned if a.candidate == chosen.number), key=lambda a: (-a.similarity, a.segment_id))
            if a.segment_id in index]
        shown = common.site_role_filter([r for r, _ in members], key="members")
        sims = {r.id: s for r, s in members}
        page = common.paged(shown, key="members-page")
        common.segment_table(page, {"similarity": [round(sims[r.id], 3) for r in page]})

    pairs = [(cid[a], cid[b], s) for a, b, s in run.merge_suggestions
             if common.fate(book, cid[a]) == "to review" and common.fate(book, cid[b]) == "to review"]
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
    queue_rows = study.triage(run.id)
    st.caption(f"{len(queue_rows)} segment(s) were not close enough to any candidate and no theme holds them. "
               "Assign each to a theme, or leave it.")
    if queue_rows and book.themes:
        for record, near in common.paged(queue_rows, key="triage-page", size=10):
            row = index.get(record.segment_id)
            common.quote(row)
            hint = ", ".join(f"{t} {book.themes[t].name} ({s:.2f})" for t, s in near[:3]) or "no close theme"
            st.caption(f"Nearest themes: {hint}; nearest candidate {cid.get(record.nearest, '?')} "
                       f"({record.nearest_similarity:.2f})")
            options = [t for t, _ in near] + [t for t in sorted(book.themes) if t not in dict(near)]
            left, right = st.columns([3, 1])
            theme = left.selectbox("Theme", options, key=f"triage-{record.segment_id}",
                                   format_func=lambda t: f"{t} · {book.themes[t].name}", label_visibility="collapsed")
            if right.button("Assign", key=f"assign-{record.segment_id}"):
                common.act(lambda seg=record.segment_id, t=theme: study.assign([seg], t, me),
                           f"Assigned {record.segment_id} to {theme}")
    elif queue_rows:
        st.info("Accept a candidate first: unassigned segments are assigned to themes.")
