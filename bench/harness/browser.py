"""The headless Chromium of the benches and of the end-to-end tests (Debian's, driven by Playwright), and what a
page of the app looks like to it once its script has finished."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
# The page's script has finished (Streamlit's script state) and no spinner is left.
IDLE = """() => !!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
  && !document.querySelector("[data-testid='stSpinner']")"""
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"  # an exception or an st.error box


class ChromiumMissing(RuntimeError):
    """Neither $CHROMIUM_PATH nor Debian's chromium is there."""


def find_chromium() -> str:
    """The Chromium executable: $CHROMIUM_PATH, else Debian's."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise ChromiumMissing("needs Debian's chromium (apt-get install chromium) or CHROMIUM_PATH")
    return path


def key_selector(key: str) -> str:
    """The CSS selector of the element drawn with ``key`` (Streamlit gives its container the class ``st-key-KEY``):
    what a bench clicks or reads, never an English label."""
    return f".st-key-{key}"
