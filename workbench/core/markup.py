"""Text shown literally where Markdown would otherwise be read: transcript text is data."""

from __future__ import annotations

import re

__all__ = ["markdown_literal"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def markdown_literal(text: str) -> str:
    """Every Markdown and HTML character backslash-escaped; line breaks kept as breaks."""
    return _SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
