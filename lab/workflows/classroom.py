"""The live class as the pages (and the load benchmark) use it: start a class, run rounds of the N-way one-shot quiz
with the model as a player, reveal, end.

A round's task is drawn from the evaluation alphabets (within one alphabet, Lake's protocol) with a seed stored in the
round, so every device draws the same drawings; the model answers when the round starts, from the stored codes of
the evaluation set (NumPy only, no network), and its time to answer is what it takes to score the candidates.
"""

from __future__ import annotations

import secrets
import threading

from sqlalchemy.engine import Connection

from lab.classroom.join_address import JoinAddress, students_join_address
from lab.classroom.join_address import class_page_url as join_url
from lab.classroom.live import stage_changed
from lab.classroom.rooms import (MAX_PLAYERS, ClassFullError, ClassInfo, ClassroomError, Player, class_players,
                                 create_class, end_class, find_class, join_class, open_classes, remove_player,
                                 set_lesson_step)
from lab.classroom.rounds import (ClassState, ClassSummary, PlayerView, Round, add_round, answer_round, class_state,
                                  class_summary, player_view, reveal_round)
from lab.config import joins_per_minute
from lab.db.engine import transaction
from lab.evaluation.lake import PUBLISHED
from lab.i18n import _
from lab.lesson import find_step
from lab.limits import WAY
from lab.rate_limit import RateLimiter, whole_seconds
from lab.roles import Role, require_teacher
from lab.workflows.coded_set import CodedSet, load_coded_set
from lab.workflows.quiz import answered_task

HUMANS_PUBLISHED = PUBLISHED["Humans"]  # Lake et al. 2015: people on the 20-way within-alphabet runs, 95.5%
ROUND_WAYS = (5, 10, 20)

__all__ = ["HUMANS_PUBLISHED", "MAX_PLAYERS", "ROUND_WAYS", "ClassFullError", "ClassInfo", "ClassState", "ClassSummary",
           "ClassroomError", "JoinAddress", "JoinThrottledError", "Player", "PlayerView", "Role", "Round", "answer_round",
           "class_players", "class_state", "class_summary", "end", "find_class", "join", "join_class", "join_url",
           "move_lesson", "open_classes", "player_view", "remove", "reveal", "start_class", "start_round",
           "students_join_address"]


class JoinThrottledError(ClassroomError):
    """Too many joins from one client address within a minute (a script joining in a loop)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


_limiters: dict[int, RateLimiter] = {}  # this server's join throttle, per limit (the setting is read at each join)
_limiters_lock = threading.Lock()


def join_limiter() -> RateLimiter | None:
    """This server process's throttle of joins per client address (None when ``$ONESHOT_JOINS_PER_MINUTE`` is 0)."""
    limit = joins_per_minute()
    if limit <= 0:
        return None
    with _limiters_lock:
        return _limiters.setdefault(limit, RateLimiter(limit, 60.0))


def join(code: str, nickname: str, *, client: str | None, limiter: RateLimiter | None = None,
         database_url: str | None = None) -> Player:
    """Join the class as a student's device does: at most :func:`joins_per_minute` tries per minute from one
    ``client`` address (a try that is refused for a taken nickname counts too); ``client`` None is this machine
    itself (the lecturer's laptop, a test), never throttled. A class takes at most :data:`MAX_PLAYERS`."""
    limiter = limiter if limiter is not None else join_limiter()
    if client is not None and limiter is not None:
        wait = limiter.hit(client)
        if wait > 0:
            raise JoinThrottledError(_("Too many tries to join from your address ({address}) in the last minute: try "
                                       "again in {seconds} s.").format(address=client, seconds=whole_seconds(wait)),
                                     wait)
    return join_class(code, nickname, database_url)


def remove(code: str, player_id: int, *, role: Role, database_url: str | None = None) -> str:
    """Take a player out of the class (a nickname the class should not see, a device to stop); returns the nickname.
    The removed device is told at once that it is no longer in the class, and may join again."""
    require_teacher(role, _("remove players"))
    nickname = remove_player(code, player_id, database_url)
    stage_changed(code)
    return nickname


def start_class(title: str, *, role: Role, database_url: str | None = None) -> ClassInfo:
    require_teacher(role, _("start a class"))
    return create_class(title, database_url)


def reveal(code: str, *, role: Role, database_url: str | None = None) -> Round | None:
    """Close the current round: no more answers; the class sees the truth, the histogram and the model's pick."""
    require_teacher(role, _("reveal a round"))
    revealed = transaction(lambda connection: reveal_round(connection, code), database_url)
    stage_changed(code)
    return revealed


def move_lesson(code: str, step_id: str, *, role: Role, database_url: str | None = None) -> ClassInfo:
    """Put the class on lesson step ``step_id`` (:mod:`lab.lesson`): the projector shows it, and every joined device
    that follows the teacher opens the step's page. An unknown step raises :class:`lab.lesson.UnknownStepError`."""
    require_teacher(role, _("move the class to another lesson step"))
    step = find_step(step_id)
    moved = set_lesson_step(code, step.id, database_url)
    stage_changed(code)
    return moved


def end(code: str, *, role: Role, database_url: str | None = None) -> ClassInfo:
    """Reveal the current round and end the class (its face round's faces deleted) in one transaction: all of it, or
    nothing."""
    require_teacher(role, _("end a class"))

    def reveal_and_end(connection: Connection) -> ClassInfo:
        reveal_round(connection, code)
        return end_class(connection, code)

    ended = transaction(reveal_and_end, database_url)
    stage_changed(code)
    return ended


def start_round(code: str, ways: int, *, role: Role, evaluation: CodedSet | None = None,
                model_name: str = "default", seed: int | None = None, database_url: str | None = None) -> Round:
    """Draw an N-way task from the evaluation alphabets, let the model answer it, and open it to the class.

    ``evaluation``: the model with the evaluation set and its codes (the page's); without one, ``model_name`` is
    loaded (the command line, the benchmark)."""
    require_teacher(role, _("start a round"))
    WAY.check(ways)
    evaluation = evaluation if evaluation is not None else load_coded_set(model_name)
    seed = secrets.randbelow(2**31) if seed is None else seed
    task = answered_task(evaluation, ways, seed)
    started_round = add_round(code, task.query, list(task.candidates), task.answer, evaluation.info.name,
                              [float(s) for s in task.similarities], task.model_seconds,
                              database_url)
    stage_changed(code)  # this server's devices hear of it now, not at the next refresh
    return started_round
