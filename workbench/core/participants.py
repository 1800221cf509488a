"""Who a participant is: site, role and any group columns, as a study keeps them.

Kept apart from the segments and joined when read, so a participants file can arrive
before or after the transcripts and can be corrected without touching a segment. The
file itself is read in ``workbench.io.participants``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Participant"]


@dataclass(frozen=True)
class Participant:
    id: str
    site: str | None = None
    role: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
