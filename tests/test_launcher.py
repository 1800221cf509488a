"""The launcher turns streamlit.toml into flags Streamlit cannot override from elsewhere.

That the settings take effect in a running server is shown in test_browser.py.
"""

from __future__ import annotations

import pytest

from workbench.cli.launcher import DEFAULTS, SETTINGS_FILE, command, flags, settings
from workbench.errors import InputError

from .test_cli import wb


def test_the_project_file_and_the_built_in_defaults_agree():
    assert settings(SETTINGS_FILE) == DEFAULTS
    assert settings(SETTINGS_FILE.with_name("absent.toml")) == DEFAULTS


def test_every_setting_becomes_a_flag():
    argv, env = command("/tmp/some-study", 8765)
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("app.py")
    for expected in ("--server.address=127.0.0.1", "--server.headless=true", "--server.enableXsrfProtection=true",
                     "--server.maxUploadSize=50", "--browser.gatherUsageStats=false", "--client.toolbarMode=viewer",
                     "--server.port=8765"):
        assert expected in argv
    assert env["WORKBENCH_STUDY"] == "/tmp/some-study" and env["HF_HUB_OFFLINE"] == "1"
    assert flags({"server": {"address": "0.0.0.0"}}) == ["--server.address=0.0.0.0"]


def test_a_broken_settings_file_is_named(tmp_path):
    bad = tmp_path / "streamlit.toml"
    bad.write_text("[server\naddress = 1", encoding="utf-8")
    with pytest.raises(InputError, match=r"streamlit\.toml"):
        settings(bad)


def test_app_refuses_a_missing_study_in_one_line(tmp_path):
    result = wb("app", "--study", str(tmp_path / "nowhere"), check=False)
    assert result.returncode == 1 and "no study here" in result.stderr and "Traceback" not in result.stderr
