"""The participants sidecar, read: a table of who each participant is (site, role and any group columns)."""

from __future__ import annotations

from pathlib import Path

from workbench.core.participants import Participant
from workbench.errors import InputError
from workbench.io.formats import table_rows
from workbench.io.readers import ReadLimits

__all__ = ["Participant", "read_participants"]

_ID_NAMES = ("participant_id", "participant", "pid", "id")


def read_participants(path: Path, limits: ReadLimits, encoding: str | None = None) -> list[Participant]:
    """Read a CSV or XLSX with a participant id column, ``site``, ``role`` and any others."""
    unit, rows = table_rows(path, limits, encoding)
    name = str(path)
    if not rows:
        raise InputError(name, "has no participant rows", "add one row per participant")
    header = {k.casefold(): k for k in rows[0][1]}
    id_key = next((header[n] for n in _ID_NAMES if n in header), None)
    if id_key is None:
        raise InputError(name, f"has no participant id column (columns: {', '.join(rows[0][1])})",
                         "name the first column participant_id", line=1)
    site_key, role_key = header.get("site"), header.get("role")
    seen: dict[str, int] = {}
    result: list[Participant] = []
    for number, row in rows:
        pid = (row.get(id_key) or "").strip()
        if not pid:
            raise InputError(name, "has a row without a participant id", "fill in the id or delete the row",
                             **{unit: number})
        if pid in seen:
            raise InputError(name, f"lists participant {pid!r} twice (first at {unit} {seen[pid]})",
                             "keep one row per participant", **{unit: number})
        seen[pid] = number
        attributes = {k: v.strip() for k, v in row.items()
                      if k not in (id_key, site_key, role_key) and k and v and v.strip()}
        result.append(Participant(
            id=pid,
            site=(row.get(site_key) or "").strip() or None if site_key else None,
            role=(row.get(role_key) or "").strip() or None if role_key else None,
            attributes=attributes,
        ))
    return result
