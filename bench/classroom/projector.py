"""The projector's page of the simulated class: open for the whole lesson, its component long-polling the stage
(``live=1``) and asking for one rerun of the page per new stage, as the browser on the lecture hall's screen does."""

from __future__ import annotations

import argparse
import asyncio

from bench.classroom.component import COMPONENT_KEY, StageWatcher
from bench.classroom.lesson import Lesson, Results, counted_get, until_over
from bench.client.connection import ProtocolError
from bench.client.http_client import LONG_POLL_TIMEOUT_S
from bench.client.session import StreamlitSession


def class_over(session: StreamlitSession) -> bool:
    """The projector's page after the class (its summary): no live component and no round to start."""
    return session.component_data(COMPONENT_KEY) is None and not session.has_widget("round_start")


class Remounted(Exception):  # noqa: N818 - not an error: the page's rerun gave the component new data
    """The projector's rerun drew the component again with new data: the browser mounts it afresh (a new watch)."""


async def projector(url: str, lesson: Lesson, args: argparse.Namespace, results: Results) -> None:
    """The projector's page (``/class?class=CODE&host=1``) open for the whole lesson, as in a lecture: its component
    long-polls the stage with ``live=1`` (the counts) and, when the stage's version differs from the one the page
    was drawn with (``drawn``), asks for one rerun (a round, a reveal, the end); the rerun mounts the component again
    with the new ``drawn``, which starts a new watch. It needs a teacher session, which every session is while no
    lecturer password is set (the bench's own server); with a password it only shows a note, and is left out."""
    session = StreamlitSession(url, name="projector", timeout=args.timeout, fetch_media=not args.no_media)
    try:
        await session.open("/class", f"class={lesson.code}&host=1")
        if not session.has_widget("round_start"):
            results.notes.append("projector page not shown (a lecturer password is set): left out")
            return
        runs = session.stats.runs

        async def watch() -> None:
            mounted = False
            while True:
                data = session.component_data(COMPONENT_KEY)
                if not isinstance(data, dict):
                    if mounted and class_over(session):  # the ended class's page has no live counts: no watch
                        return
                    raise ProtocolError(f"no {COMPONENT_KEY!r} component on the projector's page "
                                        f"(texts {[t[:40] for t in session.texts()[-3:]]})")
                mounted = True

                async def rerun(stage: dict, data: dict = data) -> None:
                    results.times["projector_rerun"].append(
                        await session.trigger(COMPONENT_KEY, "stage", stage["version"]))
                    if session.component_data(COMPONENT_KEY) != data:
                        raise Remounted

                watcher = StageWatcher(counted_get(session, results, "projector stage"),
                                       str(data.get("api") or "/api/class"), str(data.get("code") or lesson.code),
                                       live=True,
                                       version=data.get("drawn"), on_change=rerun,
                                       on_error=lambda what: results.error("projector", what))
                try:
                    await watcher.watch()
                    return
                except Remounted:
                    continue

        task = asyncio.get_running_loop().create_task(watch())
        if not await until_over(task, lesson, LONG_POLL_TIMEOUT_S):
            results.error("projector", f"the end of the class not seen {LONG_POLL_TIMEOUT_S:.0f} s after it")
        results.projector_runs = session.stats.runs - runs
    except Exception as exc:  # noqa: BLE001
        results.error("projector", f"{type(exc).__name__}: {exc}")
    finally:
        results.errors.extend(f"projector: {e}" for e in session.stats.errors)
        results.auto_reruns += session.stats.auto_reruns_sent
        await session.close()
