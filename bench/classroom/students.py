"""A simulated student: one :class:`~bench.client.session.StreamlitSession` that joins the class through the form,
then does what the class page's component does (long-poll the stage, fetch each round, answer it: no script run per
round), and once the class ended moves the ROC threshold slider and has two photos verified. The page is read by
widget keys and element kinds, never by its (translated) text."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import traceback
from pathlib import Path
from urllib.parse import quote

from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.classroom.component import COMPONENT_KEY, JITTER_S, RouteError, StageWatcher, round_path, round_view_problem
from bench.classroom.lesson import Lesson, Results, counted_get, http_key, think, timed, until_over
from bench.client.http_client import LONG_POLL_TIMEOUT_S
from bench.client.session import StreamlitSession
from bench.harness.server import SHARED_DATA

# Photos with one clear face each (the sample's train/ and test/): students upload pairs of these.
PHOTOS = ["train/obama/obama.jpg", "test/obama1.jpg", "train/biden/biden.jpg", "train/biden/biden2.jpg",
          "train/kit_harington/john1.jpeg", "train/kit_harington/john2.jpeg", "test/johnsnow_test1.jpg",
          "train/alex_lacamoire/img1.jpg", "train/obama/obama2.jpg"]


def joined(session: StreamlitSession) -> bool:
    """The page shows the student in the class: the join form is gone and the round's component is mounted with
    the student's token."""
    data = session.component_data(COMPONENT_KEY)
    return not session.has_widget("class_join") and isinstance(data, dict) and bool(data.get("token"))


def class_ended(session: StreamlitSession) -> bool:
    """A student's page after the class (its score): still in the class (no join form), and no live component."""
    return not session.has_widget("class_join") and session.component_data(COMPONENT_KEY) is None


def verdict_shown(session: StreamlitSession) -> bool:
    """The Verify page shows its figures (distance, threshold, verdict: its only metrics)."""
    return "metric" in session.kinds()


def threshold_shown(value: float) -> object:
    """The ROC page writes the slider's new threshold (the caption under the curve: ``0.615``, or ``0,615`` in a
    language with a decimal comma)."""
    written = (f"{value:.3f}", f"{value:.3f}".replace(".", ","))

    def shown(session: StreamlitSession) -> bool:
        return any(number in text for text in session.texts() for number in written)
    return shown


class StudentRound:
    """A student's component after the stage changed: fetch the round (``have``: the round whose images it has),
    note when the round's images arrived (``round_visible``), then think and answer it, once per round."""

    def __init__(self, session: StreamlitSession, number: int, code: str, lesson: Lesson, api: str, token: str,
                 args: argparse.Namespace, results: Results, rng: random.Random) -> None:
        self.session, self.number, self.code, self.lesson = session, number, code, lesson
        self.api, self.token = api, token
        self.args, self.results, self.rng = args, results, rng
        self.have: int | None = None  # the round whose images the page has
        self.handled: set[int] = set()  # rounds answered or being answered
        self.tasks: set[asyncio.Task] = set()
        self.fetch = counted_get(session, results, "round")

    @property
    def who(self) -> str:
        return self.session.name

    async def changed(self, stage: dict) -> None:
        """What the component does when the stage's version changed: nothing more once the class ended (the page
        reruns, see :func:`class_part`); else a pause of up to 0.5 s, then the round."""
        if stage["ended"]:
            return
        await asyncio.sleep(self.rng.uniform(0, JITTER_S))
        await self.fetch_round()

    async def fetch_round(self) -> None:
        """``GET .../round?have=N``: the student's view of the round, with its drawings when new to the page; the
        answer to it, once the drawings are here (after :func:`think`)."""
        response = await self.fetch(round_path(self.api, self.code, self.have),
                                    {"X-Player-Token": self.token}, self.session.timeout)
        if response.status != 200:
            raise RouteError(f"round: HTTP {response.status} {response.body[:200]!r}", response)
        view = response.json()
        problem = round_view_problem(view, self.have)
        if problem:
            raise RouteError(f"round: {problem}", response)
        images = view.get("images")
        if images:
            self.have = images["round"]
            await self.visible(images["round"], time.perf_counter())
        number = view["round"]
        if number is None or number > self.lesson.rounds:
            return
        if view["ended"] or view["revealed"] or view["choice"] is not None:
            self.results.settled[number - 1].add(self.number)
            return
        if self.have == number and number not in self.handled:
            self.handled.add(number)
            task = asyncio.get_running_loop().create_task(self.answer(number, view["ways"]))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def visible(self, number: int, seen: float) -> None:
        if not 1 <= number <= self.lesson.rounds:
            return
        started = self.lesson.started[number - 1]
        if not started.is_set():  # seen between the database's commit and the teacher's call returning
            await started.wait()
        if number > len(self.lesson.start_times):  # the teacher failed
            return
        seconds = max(0.0, seen - self.lesson.start_times[number - 1])
        self.results.times["round_visible"].append(seconds)
        self.results.per_round[number - 1]["round_visible"].append(seconds)

    async def answer(self, number: int, ways: int) -> None:
        """Think, click a candidate: ``POST .../answer``, timed until the server's answer ("answer"); then, as the
        component does, fetch the round again to show the answer that stands."""
        try:
            await think(self.args, self.rng)
            choice = self.rng.randrange(ways)
            started = time.perf_counter()
            response = await self.session.post_json(f"{self.api}/{quote(self.code)}/answer",
                                                    {"round": number, "choice": choice},
                                                    {"X-Player-Token": self.token})
            seconds = time.perf_counter() - started
            self.results.http[http_key("answer", response)] += 1
            body = response.json()
            if response.status == 200 and isinstance(body, dict) and body.get("choice") == choice:
                self.results.times["answer"].append(seconds)
                self.results.per_round[number - 1]["answer"].append(seconds)
                self.results.answered[number - 1].add(self.number)
                await self.fetch_round()
            elif response.status == 409:  # the component then shows "closed" and fetches the round again
                self.results.error(self.who, f"answer: round {number} closed before the answer (409 {body})")
                await self.fetch_round()
            else:
                self.results.error(self.who, f"answer: HTTP {response.status} {response.body[:200]!r}")
        except Exception as exc:  # noqa: BLE001
            self.results.http["answer network error"] += 1
            self.results.error(self.who, f"answer: {type(exc).__name__}: {exc}")
        finally:
            self.results.settled[number - 1].add(self.number)



async def class_part(session: StreamlitSession, number: int, lesson: Lesson, args: argparse.Namespace,
                     results: Results, rng: random.Random) -> None:
    """Join through the form (a script run, timed as "join"), then what the page's component does in the browser:
    long-poll the stage, fetch each new round, answer it (no script run per round), and when the class ended ask
    for one rerun of the page."""
    who = session.name
    await session.open("/class", f"class={lesson.code}")
    await think(args, rng)
    # A form: the browser sends its widgets' values with the submit button's trigger, in one rerun.
    form = {"class_code": WidgetState(string_value=lesson.code),
            "nickname": WidgetState(string_value=f"student{number:02d}")}
    if not await timed(results, who, "join", session.submit("class_join", form, until=joined)):
        results.left.add(number)
        return
    results.joined.add(number)
    runs_to_join = session.stats.runs
    data = session.component_data(COMPONENT_KEY)
    api, code = str(data.get("api") or "/api/class"), str(data.get("code") or lesson.code)
    rounds = StudentRound(session, number, code, lesson, api, str(data["token"]), args, results, rng)
    watcher = StageWatcher(counted_get(session, results, "stage"), api, code, on_change=rounds.changed,
                           on_error=lambda what: results.error(who, what))
    results.watching.add(number)
    task = asyncio.get_running_loop().create_task(watcher.watch())
    ended, gave_up = False, False
    try:
        ended = await until_over(task, lesson, LONG_POLL_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - the watcher gave up (the class is gone, the token refused)
        results.error(who, f"class: {type(exc).__name__}: {exc}")
        gave_up = True
    finally:
        results.watching.discard(number)
        for pending in list(rounds.tasks):
            pending.cancel()
        for index in range(lesson.rounds):
            results.settled[index].add(number)
    runs_in_rounds = session.stats.runs - runs_to_join
    if ended and data.get("drawn") != "ended":
        # The component asks for one rerun when the class ended (setTriggerValue("stage", "ended")): the page shows
        # the student's score.
        await timed(results, who, "class_end", session.trigger(COMPONENT_KEY, "stage", "ended", until=class_ended))
    elif not ended and not gave_up:
        results.error(who, f"class: the end of the class not seen {LONG_POLL_TIMEOUT_S:.0f} s after it")
    results.class_runs.append((runs_to_join, runs_in_rounds, session.stats.runs - runs_to_join - runs_in_rounds))


async def roc_part(session: StreamlitSession, args: argparse.Namespace, results: Results,
                   rng: random.Random, first_page: bool) -> None:
    who = session.name
    if first_page:
        await session.open("/roc")
    else:
        await session.goto("/roc")
    for _ in range(args.slider_moves):
        await think(args, rng)
        value = round(rng.uniform(0.2, 0.9), 3)
        await timed(results, who, "slider", session.set_slider("threshold", value, until=threshold_shown(value)))


async def verify_part(session: StreamlitSession, number: int, args: argparse.Namespace, results: Results,
                      rng: random.Random) -> None:
    who = session.name
    await session.goto("/verify")
    folder = Path(os.environ.get("FACES_DIR", SHARED_DATA / "faces"))
    pairs = [(a, b) for i, a in enumerate(PHOTOS) for b in PHOTOS[i + 1:]]
    first, second = pairs[number % len(pairs)]
    if args.verify == "sample":
        await think(args, rng)
        await timed(results, who, "verify", session.choose("second", second, until=verdict_shown))
        return
    from ui.face_widgets import UPLOAD  # noqa: PLC0415 - the app's own option, as its (English) session shows it

    for key in ("first_source", "second_source"):
        await think(args, rng)
        await session.choose(key, UPLOAD)
    await think(args, rng)
    started = time.perf_counter()
    photo = [(Path(name).name, (folder / name).read_bytes(), "image/jpeg") for name in (first, second)]
    try:
        await session.upload("first_upload", [photo[0]])
        results.times["verify"].append(await session.upload("second_upload", [photo[1]], until=verdict_shown))
        results.times["verify_pair"].append(time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001
        results.error(who, f"verify: {type(exc).__name__}: {exc}")


async def student(number: int, url: str, lesson: Lesson | None, args: argparse.Namespace, results: Results) -> None:
    rng = random.Random(args.seed * 1000 + number)
    session = StreamlitSession(url, name=f"student{number:02d}", timeout=args.timeout, fetch_media=not args.no_media)
    results.live.append(session)
    await asyncio.sleep(rng.uniform(0, args.stagger))
    try:
        if lesson is not None:
            await class_part(session, number, lesson, args, results, rng)
        if lesson is not None:
            await lesson.over.wait()  # the class ends before the students move on (as in a lecture)
        await roc_part(session, args, results, rng, first_page=lesson is None)
        await verify_part(session, number, args, results, rng)
    except Exception as exc:  # noqa: BLE001
        results.error(session.name, f"{type(exc).__name__}: {exc}")
        if args.verbose:
            traceback.print_exc()
    finally:
        results.left.add(number)
        results.errors.extend(f"{session.name}: {e}" for e in session.stats.errors)
        for alert in session.stats.error_alerts:  # the class page's answers are drawn by its component: no st.error
            results.error(session.name, f"error box: {alert}")
        results.auto_reruns += session.stats.auto_reruns_sent
        results.runs += session.stats.runs
        results.bytes_received += session.stats.bytes_received
        await session.close()
