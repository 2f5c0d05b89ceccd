"""A few real browsers beside the simulated students: headless Chromium sessions (Playwright) that check, under the
class's load, that the pages still render for a browser: each joins the class and sees every round drawn by the
page's component, then /roc shows its figure and /verify its verdict. Elements are found by their widget keys and
test ids, never by their (translated) text."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import tempfile
import time
from pathlib import Path

from bench.classroom.lesson import Lesson, Results
from bench.harness.browser import CHROMIUM_FLAGS, ERRORS, IDLE, find_chromium, key_selector

ROUND_TITLE = ".oneshot-live .round h3"  # the round's title as the class page's component draws it (ui/class_live.js)


async def browser_checks(url: str, count: int, lesson: Lesson | None, args: argparse.Namespace,
                         results: Results) -> list[dict]:
    """``count`` real Chromium sessions, during the load: each joins the class and sees every round drawn by the
    page's component, then /roc shows its figure and /verify its verdict. Each check: seconds, or the error."""
    checks: list[dict] = []
    if count <= 0:
        return checks

    async def failed(name: str, started: float, where: str, exc: Exception, context: str = "",
                     page: object = None) -> None:
        """A check that raised: its time until then and the exception's first line, in the checks and the errors;
        a screenshot of the page then, in the temporary folder (its path in the check)."""
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        checks.append({"check": name, "ok": False, "seconds": round(time.perf_counter() - started, 2),
                       "error": message})
        results.error(where, context + message)
        if page is not None:
            shot = Path(tempfile.gettempdir()) / f"bench-classroom-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"
            with contextlib.suppress(Exception):
                await page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
                checks[-1]["screenshot"] = str(shot)

    async def check(context: object, name: str, path: str, selector: str) -> None:
        page = await context.new_page()  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            await page.goto(url + path, wait_until="commit", timeout=args.timeout * 1000)
            await page.locator(selector).first.wait_for(state="visible", timeout=args.timeout * 1000)
            await page.wait_for_function(IDLE, timeout=args.timeout * 1000)
            shown_errors = await page.locator(ERRORS).count()
            checks.append({"check": name, "ok": shown_errors == 0, "seconds": round(time.perf_counter() - started, 2),
                           **({"error": f"{shown_errors} error elements"} if shown_errors else {})})
            if shown_errors:
                results.error(f"browser {name}", f"{shown_errors} error elements on {path}")
        except Exception as exc:  # noqa: BLE001
            await failed(name, started, f"browser {name}", exc, page=page)
        finally:
            await page.close()

    async def join_class(context: object, number: int) -> None:
        """Join as a student would in a browser, then see each round drawn by the page's component: its title
        (with the round's number) within ``--round-timeout`` of the round's start (seconds from the start)."""
        assert lesson is not None
        page = await context.new_page()  # type: ignore[attr-defined]
        started = time.perf_counter()
        name = "class page shows each round"
        rounds_seen: list[float] = []
        settled = False
        try:
            await page.goto(f"{url}/class?class={lesson.code}", wait_until="commit")
            nickname = page.locator(f"{key_selector('nickname')} input")
            await nickname.fill(f"browser{number}", timeout=args.timeout * 1000)
            await page.locator(f"{key_selector('class_join')} button").click(timeout=args.timeout * 1000)
            await nickname.wait_for(state="detached", timeout=args.timeout * 1000)
            joined_s = time.perf_counter() - started
            lesson.browser_settled()
            settled = True
            for index in range(lesson.rounds):
                await asyncio.wait_for(lesson.started[index].wait(), args.timeout + args.round_timeout * 3)
                if index >= len(lesson.start_times):
                    raise RuntimeError(f"round {index + 1} was not started (the teacher failed)")
                await page.locator(ROUND_TITLE).filter(has_text=re.compile(rf"\b{index + 1}\b")).first.wait_for(
                    state="visible", timeout=args.round_timeout * 1000)
                rounds_seen.append(round(time.perf_counter() - lesson.start_times[index], 2))
            shown_errors = await page.locator(ERRORS).count()
            ok = shown_errors == 0
            checks.append({"check": name, "ok": ok, "seconds": round(time.perf_counter() - started, 2),
                           "join_s": round(joined_s, 2), "round_visible_s": rounds_seen,
                           **({} if ok else {"error": f"{shown_errors} error elements"})})
            if not ok:
                results.error(f"browser {number}", f"class page: {shown_errors} error elements")
        except Exception as exc:  # noqa: BLE001
            await failed(name, started, f"browser {number}", exc,
                         f"class page (rounds seen {len(rounds_seen)} of {lesson.rounds}): ", page)
            checks[-1]["round_visible_s"] = rounds_seen
        finally:
            if not settled:
                lesson.browser_settled()
            await page.close()

    async def one(browser: object, number: int) -> None:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        try:
            if lesson is not None and lesson.rounds:
                await join_class(context, number)
            else:
                await asyncio.sleep(args.stagger + 2)  # while the students are busy
            await check(context, "/roc shows its figure", "/roc", "[data-testid='stPlotlyChart']")
            await check(context, "/verify shows a verdict", "/verify", "[data-testid='stMetric']")
        finally:
            await context.close()

    try:
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=find_chromium(), headless=True,
                                                       args=CHROMIUM_FLAGS)
            try:
                await asyncio.gather(*(one(browser, n) for n in range(count)))
            finally:
                await browser.close()
    finally:
        if lesson is not None:
            lesson.browsers_ready.set()  # whatever happened, the teacher waits no longer
    return checks
