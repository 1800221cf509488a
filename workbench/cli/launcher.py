"""Serving the app: Streamlit started with the settings in streamlit.toml.

Streamlit reads only ``.streamlit/config.toml`` (beside where it is started, or in the
user's home), so the project's ``streamlit.toml`` would otherwise be ignored. The launcher
turns each of its settings into a command-line flag, which Streamlit ranks above every
config file, so a stray config elsewhere cannot turn usage statistics back on or bind
the server to every network interface.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from workbench import offline
from workbench.errors import InputError

__all__ = ["APP", "DEFAULTS", "SETTINGS_FILE", "command", "flags", "settings"]

PACKAGE = Path(__file__).resolve().parents[1]  # workbench/, which holds app.py
APP = PACKAGE / "app.py"
SETTINGS_FILE = PACKAGE.parent / "streamlit.toml"
# What streamlit.toml says, for an installation without the file beside the package.
DEFAULTS: dict[str, dict[str, Any]] = {
    "server": {"address": "127.0.0.1", "headless": True, "enableXsrfProtection": True, "maxUploadSize": 50},
    "browser": {"gatherUsageStats": False},
    "client": {"toolbarMode": "viewer"},
    "runner": {"postScriptGC": False},
}


def settings(path: Path = SETTINGS_FILE) -> dict[str, dict[str, Any]]:
    """The settings to serve with: streamlit.toml's, else the same defaults."""
    if not path.is_file():
        return DEFAULTS
    try:
        loaded = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"is not valid TOML ({exc})",
                         "fix the file or restore it from the project") from None
    return {section: dict(values) for section, values in loaded.items() if isinstance(values, dict)}


def flags(config: dict[str, dict[str, Any]], port: int | None = None) -> list[str]:
    """``--section.key=value`` for every setting (booleans as true/false)."""
    out = []
    for section, values in config.items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            out.append(f"--{section}.{key}={text}")
    if port is not None:
        out.append(f"--server.port={port}")
    return out


def command(study: str, port: int | None = None, path: Path = SETTINGS_FILE) -> tuple[list[str], dict[str, str]]:
    """(argv, environment) that serve the app for ``study``."""
    env = dict(os.environ)
    env["WORKBENCH_STUDY"] = study
    offline.apply(env)  # the server imports Streamlit before the app imports workbench: set them first
    return [sys.executable, "-m", "streamlit", "run", str(APP), *flags(settings(path), port)], env
