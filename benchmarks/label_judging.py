"""The blind label test: would a reader match a candidate's label to the theme most of it is about?

``bench_themes.py`` writes a sheet with two labels for every content candidate of its
default run: the keyword list (``a / b / c / d``, what candidates were labelled with before
phrase labels) and the label discovery gives now (a phrase, or the keyword list where no
phrase qualified). The procedure:

1. ``prepare SHEET``: writes ``SHEET-blind.csv``: one row per label, in a shuffled order,
   with an item number, the set and the label only: no method, no candidate, no answer.
   Beside it, ``SHEET-themes.md`` lists each set's labels (the themes the set was coded
   with), as a reader would have them.
2. A reader who has not seen the runs (for this project: an agent given only those two
   files and these instructions) writes ``SHEET-judged.csv`` with ``item,judged``: for
   each label the one theme of its set the reader takes it to name, or ``none`` when it
   names none of them clearly.
3. ``score SHEET``: joins the judgements to the sheet and reports, per set and method,
   the share of candidates whose label the reader matched to the candidate's majority
   theme.

    .venv/bin/python benchmarks/label_judging.py prepare benchmarks/results/label_judging_....csv
    .venv/bin/python benchmarks/label_judging.py score benchmarks/results/label_judging_....csv
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from common import save


def _rows(sheet: Path) -> list[dict[str, str]]:
    with sheet.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def prepare(sheet: Path) -> None:
    from dialogue_sets import dialogue_sets

    rows = _rows(sheet)
    order = list(range(len(rows)))
    random.Random(27).shuffle(order)
    blind = sheet.with_name(sheet.stem + "-blind.csv")
    with blind.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item", "set", "label"])
        for item, i in enumerate(order, start=1):
            writer.writerow([item, rows[i]["set"], rows[i]["label"]])
    key = sheet.with_name(sheet.stem + "-key.json")
    key.write_text(json.dumps({str(item): i for item, i in enumerate(order, start=1)}), encoding="utf-8")
    sets = sorted({r["set"] for r in rows})
    themes = sheet.with_name(sheet.stem + "-themes.md")
    lines = ["# The themes of each set (pick one per label, or `none`)", ""]
    for name, data in dialogue_sets([s for s in sets if s in ("answer_key", "second_sample", "real_dialogue")]):
        labels = sorted(set(data.labels) - {data.small_talk_label or ""})
        lines += [f"## {name}", "", *(f"- `{t}`" for t in labels), ""]
    themes.write_text("\n".join(lines), encoding="utf-8")
    print("wrote", blind, themes, "and", key)


def score(sheet: Path) -> None:
    rows = _rows(sheet)
    key = json.loads(sheet.with_name(sheet.stem + "-key.json").read_text(encoding="utf-8"))
    judged = {key[r["item"]]: r["judged"].strip() for r in _rows(sheet.with_name(sheet.stem + "-judged.csv"))}
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for i, row in enumerate(rows):
        if i in judged:
            hits[(row["set"], row["method"])].append(judged[i] == row["majority"])
    result = {f"{s} {m}": {"matched": sum(v), "of": len(v), "share": round(sum(v) / max(1, len(v)), 3)}
              for (s, m), v in sorted(hits.items())}
    for name, value in result.items():
        print(name, value)
    print("saved", save("label_judging", result))


if __name__ == "__main__":
    {"prepare": prepare, "score": score}[sys.argv[1]](Path(sys.argv[2]))
