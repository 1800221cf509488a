"""The decision log's rules, in one place to import from: event kinds, validation against the codebook, replay.

Pure: no SQL, no Streamlit, no models. The store keeps events; these modules say which
events may be appended and what codebook they add up to. The codebook is never stored:
it is always the replay of the log (principle 2), so it can be rebuilt, audited and
verified from the log alone.

The work is done in modules named for their part, and this one re-exports their public
names so every ``from workbench.core.decisions import ...`` keeps working:

- ``decision_events``: a decision as drafted and as sealed, and the hash chain;
- ``decision_kinds``: the table of kinds, one ``KindSpec`` each (fields, reason, rule, sentence);
- ``codebook_state`` and ``codebook_rules``: the codebook, and what each kind does to it;
- ``decision_log``: the log, its replay and reverts;
- ``decision_text``: each event as one sentence for people to read.
"""

from __future__ import annotations

from workbench.core.codebook_rules import VOTES
from workbench.core.codebook_state import Codebook, Fate, Memo, Retired, Theme
from workbench.core.decision_events import (
    GENESIS,
    DecisionError,
    Draft,
    Event,
    canonical,
    chain_problems,
    deciding,
    event_hash,
    is_theme_id,
    seal,
)
from workbench.core.decision_kinds import KINDS, NEEDS_RATIONALE, SPECS, KindSpec, apply_event, describe, describe_all
from workbench.core.decision_log import Log
from workbench.core.decision_text import Recall, event_fields

__all__ = [
    "GENESIS", "KINDS", "NEEDS_RATIONALE", "SPECS", "VOTES", "Codebook", "DecisionError", "Draft", "Event", "Fate",
    "KindSpec", "Log", "Memo", "Recall", "Retired", "Theme", "apply_event", "canonical", "chain_problems", "deciding",
    "describe", "describe_all", "event_fields", "event_hash", "is_theme_id", "seal",
]
