"""Check authored transcript sources in corpus/source/ against BRIEF.md."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

THEMES = {
    "colocation_joint_working", "information_sharing_consent", "thresholds_risk_rating",
    "timeliness", "strategy_discussions", "feedback_audit_learning",
    "family_experience_referral", "staffing_workforce", "demand_referral_volume",
    "it_systems_records", "equity_minoritised_families", "interagency_trust",
    "early_help_stepdown", "shared_understanding_training", "young_people_voice",
    "perceived_impact_outcomes",
}
MODERATORS = {"Interviewer", "Facilitator"}


def check(path: Path) -> list[str]:
    """Return the problems found in one source file (empty when it is fine)."""
    problems: list[str] = []
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("transcript", "participant", "turns"):
        if key not in data:
            problems.append(f"missing key {key!r}")
    turns = data.get("turns", [])
    if len(turns) < 40:
        problems.append(f"only {len(turns)} turns (need at least 40)")
    long_answers = 0
    for i, turn in enumerate(turns):
        speaker, text, theme = turn.get("speaker"), turn.get("text", ""), turn.get("theme")
        if speaker in MODERATORS:
            if theme is not None:
                problems.append(f"turn {i}: moderator turn must have theme null")
        elif not isinstance(speaker, str) or speaker[:1] not in ("P", "F"):
            problems.append(f"turn {i}: speaker {speaker!r} is not a participant id")
        if theme is not None and theme not in THEMES:
            problems.append(f"turn {i}: unknown theme {theme!r}")
        if not text.strip() or "\n" in text:
            problems.append(f"turn {i}: text empty or has a line break")
        if len(text.split()) >= 260:
            long_answers += 1
    if long_answers < 3 and not data.get("focus_group"):
        problems.append(f"only {long_answers} answers of 260+ words (need 3)")
    return problems


def main(paths: list[str]) -> int:
    bad = 0
    themes: Counter[str] = Counter()
    for p in paths:
        problems = check(Path(p))
        data = json.loads(Path(p).read_text(encoding="utf-8"))
        themes.update(t["theme"] for t in data.get("turns", []) if t.get("theme"))
        words = sum(len(t.get("text", "").split()) for t in data.get("turns", []))
        status = "ok" if not problems else "; ".join(problems)
        print(f"{p}: {len(data.get('turns', []))} turns, {words} words: {status}")
        bad += bool(problems)
    print("themes:", dict(sorted(themes.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
