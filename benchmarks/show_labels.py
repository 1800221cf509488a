"""Each candidate's keyword label beside its phrase label, and the theme most of its segments have.

For each labelled set: a discovery as bench_quality runs it (seed 42, the default backend),
then per candidate its size, the answer key's majority theme (and its share), the keyword
label naming gave until now and the phrase label that replaces it (marked when no phrase
qualified and the keyword label stayed). Then the time phrase naming took: inside that
discovery, and again on the same clusters three times each with the embedder and without.

    .venv/bin/python benchmarks/show_labels.py [answer_key nhs_feedback_category ...]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter

from common import RESULTS, labelled_sets, save


def main(names: list[str]) -> None:
    import workbench.engine.discover as discovery
    from workbench.engine.discover import DiscoveryParams, Doc
    from workbench.engine.embed import Encoder, load_model
    from workbench.engine.phrases import phrase_labels

    calls: list[tuple[tuple, dict]] = []

    def recorded(*args, **kwargs):  # what discover names its candidates with: its keyword labels too
        calls.append((args, kwargs))
        return phrase_labels(*args, **kwargs)

    discovery.phrase_labels = recorded  # type: ignore[assignment]
    encoder = Encoder(load_model())
    results: dict[str, object] = {"backend": encoder.backend}
    for name, (ids, texts, labels, people, sites) in labelled_sets(names):
        vectors = encoder.encode(texts)
        docs = [Doc(i, t, p or None, s or None) for i, t, p, s in zip(ids, texts, people, sites, strict=True)]
        calls.clear()
        found = discovery.discover(docs, vectors, DiscoveryParams(seed=42), word_embedder=encoder.encode)
        theme = dict(zip(ids, labels, strict=True))
        rows = []
        print(f"\n{name}: {len(ids)} segments, {len(found.candidates)} candidates")
        print(f"{'#':>3} {'size':>5}  {'majority theme (share)':<42} {'keyword label':<55} phrase label")
        old = calls[0][0][5] if calls else {}
        for c in found.candidates:
            majority, count = Counter(theme[s] for s, _ in c.members).most_common(1)[0]
            keyword_label = old.get(c.number, "")
            phrase = c.label if c.label != keyword_label else f"(keywords) {c.label}"
            share = f"{majority} ({count / c.size:.0%})"
            print(f"{c.number:>3} {c.size:>5}  {share:<42} {keyword_label:<55} {phrase}")
            rows.append({"number": c.number, "size": c.size, "majority": majority, "share": round(count / c.size, 3),
                         "keyword_label": keyword_label, "phrase_label": c.label})
        args = calls[0][0]
        again = {}
        for mode, embedder in (("embedder", encoder.encode), ("no_embedder", None)):
            took = []
            for _ in range(3):
                start = time.perf_counter()
                phrase_labels(*args[:4], embedder, args[5])
                took.append(time.perf_counter() - start)
            again[mode] = round(statistics.median(took), 3)
        print(f"naming took {found.timings['phrases']:.2f} s in discovery; again on the same clusters "
              f"(median of 3): {again['embedder']:.2f} s with the embedder, {again['no_embedder']:.2f} s without")
        results[name] = {"segments": len(ids), "candidates": rows, "seconds_in_discovery":
                         round(found.timings["phrases"], 3), "seconds_again": again}
    earlier = RESULTS / "labels.json"  # sets not run this time keep their last figures
    kept = json.loads(earlier.read_text(encoding="utf-8")) if earlier.is_file() else {}
    print("saved", save("labels", {**{k: v for k, v in kept.items() if k != "machine"}, **results}))


if __name__ == "__main__":
    main(sys.argv[1:] or ["answer_key"])
