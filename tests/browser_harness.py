"""Serving the app and driving it in Debian's chromium with Playwright: for tests and screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# No background traffic of chromium's own (updates, autofill, field trials, safe browsing):
# the offline test (tests/test_offline.py) records every name looked up during a session,
# and only the app's own requests should be there to see.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pings", "--disable-default-apps",
        "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-breakpad",
        "--disable-features=AutofillServerCommunication,OptimizationHints,OptimizationHintsFetching,"
        "MediaRouter,DialMediaRouteProvider,Translate,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater",
        "--variations-server-url=", "--safebrowsing-disable-auto-update"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(study: str, log: Path | None = None, wrap: tuple[str, ...] = (),
          env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """``workbench app --study STUDY --port N`` in the background, until its health check answers.

    ``wrap``: a command the server runs under (the offline test's ``strace``); ``env``: its
    environment (default: this process's).
    """
    import sys

    port = free_port()
    out = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*wrap, sys.executable, "-m", "workbench", "app", "--study", study, "--port", str(port)],
                            stdout=out, stderr=subprocess.STDOUT,
                            env={**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"},
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start (exit {proc.poll()}); see {log}") from None
                time.sleep(0.3)
        yield url, port
    finally:
        import signal

        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and anything it started
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        if log:
            out.close()


@contextmanager
def browser(width: int = 1400, height: int = 1000, extra: tuple[str, ...] = ()):
    """A fresh chromium page (headless, sandbox off for containers, no background traffic)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[*ARGS, *extra])
        context = chromium.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            context.close()
            chromium.close()


def settle(page) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=120_000)
    page.wait_for_timeout(200)


def start(page, url: str, name: str) -> None:
    """Open the app and give the researcher's name, as a researcher does once per session."""
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start").click()
    page.get_by_role("heading", name="Study").first.wait_for()
    settle(page)


def go(page, title: str) -> None:
    """Switch page from the sidebar (same session, so the researcher is remembered)."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for()
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option in a Streamlit select box by its visible label (typed: long lists are virtual)."""
    box = page.locator("[data-testid='stSelectbox']:visible").filter(has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(option.split(" ")[0])
    page.get_by_role("option", name=option).first.click()
    settle(page)


def tick_option(page, box, text: str, tries: int = 3) -> None:
    """Choose the option holding ``text`` in a multiselect ``box``, then close its list.

    The list is typed into (long lists are virtual) and tried again if the page redraws it
    under the pointer (Streamlit may still be sending the last run's elements).
    """
    for attempt in range(tries):
        settle(page)
        box.locator("input").click()
        box.locator("input").fill(text)
        try:
            page.get_by_role("option").filter(has_text=text).first.click(timeout=10_000)
            break
        except Exception:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    settle(page)
