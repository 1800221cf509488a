"""Driving pages with streamlit.testing's AppTest the way a browser does.

AppTest sends a select box's choice as the label the *latest* run drew for it. A browser
sends the label it was showing when the researcher chose, and keeps sending it until the
server tells it otherwise; so when the chosen item's label changes (a theme renamed, a
segment count after a move), the browser sends a label the server no longer knows. That
is what put decisions on the wrong theme, and plain AppTest never saw it. ``browser_like``
makes AppTest send select boxes' labels as a browser does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox, _format_value_for_widget


def by_key(widgets, prefix: str):
    """The widget keyed ``prefix``, or keyed ``prefix`` then ':' or '~' (keys carry item and turn)."""
    exact = [w for w in widgets if w.key == prefix]
    found = exact or [w for w in widgets if (w.key or "").startswith((f"{prefix}:", f"{prefix}~"))]
    assert found, f"no widget keyed {prefix!r} among {[w.key for w in widgets]}"
    return found[-1]


@pytest.fixture
def browser_like(monkeypatch) -> Iterator[dict[str, str]]:
    """Select boxes send the label shown when chosen (or as the server last set it), as in a browser."""
    yield send_labels_as_a_browser(monkeypatch)


def send_labels_as_a_browser(monkeypatch) -> dict[str, str]:
    """Patch AppTest's select boxes (undone with ``monkeypatch``); returns the labels each box holds."""
    shown: dict[str, str] = {}  # element id -> the label the browser holds
    original_set = Selectbox.set_value
    original_state = Selectbox._widget_state

    def set_value(self, value):
        result = original_set(self, value)
        shown[self.id] = _format_value_for_widget(self.format_func, value)
        return result

    def widget_state(self):
        if self.proto.set_value and self.proto.raw_value:
            shown[self.id] = self.proto.raw_value  # the server moved the box: the browser shows that
        if self.id not in shown:
            return original_state.fget(self)
        state = WidgetState()
        state.id = self.id
        state.string_value = shown[self.id]
        return state

    monkeypatch.setattr(Selectbox, "set_value", set_value)
    monkeypatch.setattr(Selectbox, "_widget_state", property(widget_state))
    return shown


def said(element) -> str:
    """What a Markdown element shows on screen: its text with Markdown's backslash escapes read."""
    import re

    return re.sub(r"\\(.)", r"\1", element.value)
