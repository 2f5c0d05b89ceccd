"""A class in real browsers: a teacher's projector and three students, each a browser context of its own (their own
cookies and session), possibly on different servers. Shared by the one-server test and the two-replica test."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.conftest import wait_idle

STUDENTS = ("Ana", "Bruno", "Chen")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def start_class(page, url: str, password: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """The lecturer starts a class on the projector; with ``password``, after signing in in the sidebar (needed
    through a balancer: no browser there is the laptop's own)."""
    page.goto(f"{url}/class?projector=1")
    page.get_by_role("heading", name="Live class").wait_for()
    wait_idle(page)  # a click while the page's first run is still drawing can be lost with that run
    if password is not None:
        page.get_by_text("Teacher sign-in").click()
        page.get_by_label("Teacher password").fill(password)
        page.get_by_label("Teacher password").press("Enter")
        page.get_by_text("Signed in as the teacher.").wait_for()
        wait_idle(page)
    page.get_by_role("button", name="Start a class").click()
    page.get_by_text("Scan to join").wait_for()
    page.wait_for_url(re.compile(r"class=[A-Z0-9]{6}"))
    return re.search(r"class=([A-Z0-9]{6})", page.url).group(1)


def join(page, url: str, code: str, nickname: str) -> None:  # type: ignore[no-untyped-def]
    join_at(page, f"{url}/class?class={code}", code, nickname)


def join_at(page, address: str, code: str, nickname: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(address)
    page.get_by_label("Nickname (shown on the projector)").fill(nickname)
    page.get_by_role("button", name="Join the class").click()
    page.get_by_text(f"You are {nickname} in class {code}").wait_for()


def shown_join_address(teacher) -> str:  # type: ignore[no-untyped-def]
    """The join address the projector shows (the link after "Join at")."""
    return teacher.get_by_role("link", name=re.compile(r"[?]class=")).first.inner_text().strip()


def on_this_machine(address: str) -> str:
    """``address`` with only its host replaced by 127.0.0.1: tests send nothing beyond loopback."""
    parts = urlsplit(address)
    return urlunsplit((parts.scheme, f"127.0.0.1:{parts.port}" if parts.port else "127.0.0.1", parts.path,
                       parts.query, parts.fragment))


class ScriptRuns:
    """Counts the script runs of a page's Streamlit session: each starts with a ``new_session`` message on its
    WebSocket (the frames are Streamlit's protobuf ForwardMsgs)."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.count = 0
        page.on("websocket", lambda socket: socket.on("framereceived", self._frame))

    def _frame(self, payload: object) -> None:
        if isinstance(payload, (bytes, bytearray)):
            message = ForwardMsg()
            message.ParseFromString(bytes(payload))
            self.count += message.WhichOneof("type") == "new_session"


def run_round(teacher, students: list, ways: int, picks: list[int], shot: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    """The teacher starts a round; each student answers ``picks[i]`` (candidate numbers, 1-based) once the round has
    reached their device without a reload; the teacher sees the answers counted live, then reveals."""
    number = int(re.search(r"Start round (\d+)", teacher.get_by_role("button", name=re.compile("Start round")).inner_text()).group(1))
    teacher.get_by_role("radio", name=str(ways), exact=True).check(force=True)
    wait_idle(teacher)
    teacher.get_by_role("button", name=f"Start round {number}").click()
    heading = f"Round {number}: which candidate"
    teacher.get_by_text(heading).wait_for()
    started = time.perf_counter()
    seen_after = []
    for student, pick in zip(students, picks):
        student.get_by_text(heading).wait_for(timeout=15_000)  # pushed: no reload; the bench measures the 2 s target
        seen_after.append(round(time.perf_counter() - started, 2))
        student.get_by_role("button", name=str(pick), exact=True).click()
        student.get_by_text(f"Your answer: candidate {pick}.").wait_for()
    print(f"round {number} on each student's page after {seen_after} s")
    # The projector's count follows the answers live (its component watches the class).
    teacher.locator(".oneshot-live").filter(has_text=f"Answers to round {number}") \
        .get_by_text(f"{len(students)} / {len(students)}").wait_for(timeout=15_000)
    teacher.get_by_role("button", name="Reveal answer").click()
    banner = teacher.get_by_text(re.compile(r"The right answer is candidate \d+"))
    banner.wait_for()
    answer = int(re.search(r"candidate (\d+)", banner.inner_text()).group(1))
    teacher.get_by_text("Leaderboard: students and the model").wait_for()
    wait_idle(teacher)
    if shot:
        teacher.screenshot(path=str(SCREENSHOTS / shot))
    for student, pick in zip(students, picks):
        verdict = "Right! Candidate" if pick == answer else "Not this time"
        student.get_by_text(verdict).wait_for(timeout=15_000)
    return {"number": number, "answer": answer}
