"""The machine a bench runs on: its load, printed before and after, since figures taken while other work runs are
slower."""

from __future__ import annotations

import os


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"
