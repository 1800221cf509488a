"""The project's own exceptions.

The core raises only these; the command line turns them into one readable line and a
non-zero exit, the pages into an error box. Anything else reaching a user is a bug.
"""

from __future__ import annotations

__all__ = ["ConflictError", "InputError", "StudyError", "WorkbenchError"]


class WorkbenchError(Exception):
    """Base of every error a researcher may see: the message is meant for them.

    ``flag`` names the command-line option that supplies what was missing (``--why``):
    the command line adds it to the message, the app does not, since an app user has a
    field on screen instead of a flag.
    """

    def __init__(self, *args: object, flag: str = "") -> None:
        super().__init__(*args)
        self.flag = flag


class InputError(WorkbenchError):
    """A file a researcher gave us cannot be used as it is.

    Carries where the problem is (file, and line or row when known), what is wrong and
    what to do about it, so the message can point at the exact place to fix.
    """

    def __init__(self, source: str, problem: str, fix: str = "", *, line: int | None = None,
                 row: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.fix = fix
        self.line = line
        self.row = row
        where = source
        if line is not None:
            where += f", line {line}"
        elif row is not None:
            where += f", row {row}"
        message = f"{where}: {problem}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class StudyError(WorkbenchError):
    """The study itself is missing, not initialised, or of an unknown schema version."""


class ConflictError(WorkbenchError):
    """An action conflicts with what the study already holds (for example a changed transcript)."""
