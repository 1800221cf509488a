"""How long work reports its progress: one type for every step that takes a while.

``progress(done, total, what)`` is called as work advances: ``done`` of ``total`` units,
with a few words on the step. The command line draws it as a bar, the app as a progress
element; the core only calls it. One definition, so a step written for the command line
reports in the app unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress"]

Progress = Callable[[int, int, str], None]
