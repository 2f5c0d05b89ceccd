"""Rounds and answers in the shared database, and what the projector and a student's device poll.

What the projector's page and a student's device read (:func:`class_state`, :func:`player_view`) is a handful of
indexed SELECTs; devices wait for a new stage through :mod:`lab.classroom.live`. One answer per player and round, and
round numbers, are enforced by the database's constraints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lab.classroom.rooms import (ClassInfo, ClassroomError, NotAPlayerError, Player, RoundClosedError, as_utc, class_row,
                                 membership, now, player_of)
from lab.db import schema, transaction
from lab.db.engine import read as read_only  # polls take no write lock (SQLite: a snapshot in WAL mode)
from lab.i18n import _


@dataclass(frozen=True)
class Round:
    id: int
    number: int
    ways: int
    query: tuple[int, int]  # (character, drawer) in the evaluation set
    candidates: tuple[tuple[int, int], ...]
    answer: int
    model_name: str
    model_answer: int
    model_similarities: tuple[float, ...]
    model_seconds: float
    started_at: datetime
    revealed_at: datetime | None

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


@dataclass(frozen=True)
class LeaderRow:
    name: str
    is_model: bool
    answered: int
    correct: int
    mean_seconds: float | None  # over the answered rounds

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class ClassState:
    """What the projector shows: who is in, the current round, its answers so far, and the standings."""

    info: ClassInfo
    players: int
    round: Round | None
    answered: int  # answers to the current round
    choices: tuple[int, ...] = ()  # answers per candidate of the current round (only once revealed)
    leaderboard: tuple[LeaderRow, ...] = field(default_factory=tuple)

    @property
    def stage(self) -> tuple:
        """Changes when the projector's page must be redrawn (a new round, a reveal, the end, a player removed); joins
        and answers only change the live counts."""
        current = (self.round.number, self.round.revealed) if self.round else None
        info = self.info
        return current, info.ended, info.removed, info.activity, info.lesson_step


@dataclass(frozen=True)
class PlayerView:
    """What a student's device shows: the current round and the student's own answer to it."""

    info: ClassInfo
    player: Player
    round: Round | None
    choice: int | None  # this player's answer to the current round, if any
    correct: int  # this player's right answers so far
    answered: int

    @property
    def stage(self) -> tuple:
        """As :attr:`ClassState.stage`: what the class is at (this student's own answer comes with their click)."""
        current = (self.round.number, self.round.revealed) if self.round else None
        info = self.info
        return current, info.ended, info.removed, info.activity, info.lesson_step


@dataclass(frozen=True)
class ClassSummary:
    """The end of class: the class's accuracy against the model's and Lake's published human figure."""

    rounds: int
    answers: int
    correct: int
    model_correct: int

    @property
    def class_accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    @property
    def model_accuracy(self) -> float | None:
        return self.model_correct / self.rounds if self.rounds else None


def _round_of(row) -> Round:
    task = row.task
    return Round(row.id, row.number, row.ways, tuple(task["query"]), tuple(tuple(c) for c in task["candidates"]),
                 row.answer, row.model_name, row.model_answer, tuple(float(s) for s in row.model_similarities),
                 float(row.model_seconds), as_utc(row.started_at), as_utc(row.revealed_at))


def _current_round(connection: Connection, class_id: int) -> Round | None:
    table = schema.rounds
    row = connection.execute(sa.select(table).where(table.c.class_id == class_id)
                             .order_by(table.c.number.desc()).limit(1)).first()
    return _round_of(row) if row is not None else None


def add_round(code: str, query: tuple[int, int], candidates: list[tuple[int, int]], answer: int, model_name: str,
              model_similarities: list[float], model_seconds: float, database_url: str | None = None) -> Round:
    """Record the next round (its number follows the last); the previous round is revealed if it was not."""
    if not 0 <= answer < len(candidates) or len(model_similarities) != len(candidates):
        raise ValueError("a round needs one similarity per candidate and an answer among them")
    model_answer = max(range(len(candidates)), key=lambda i: model_similarities[i])

    def add(connection: Connection) -> Round:
        info = class_row(connection, code)
        if info.ended:
            raise ClassroomError(_("The class {code} has ended.").format(code=info.code))
        last = _current_round(connection, info.id)
        moment = now()
        if last is not None and not last.revealed:
            connection.execute(schema.rounds.update().where(schema.rounds.c.id == last.id).values(revealed_at=moment))
        connection.execute(schema.rounds.insert().values(
            class_id=info.id, number=(last.number + 1) if last else 1, ways=len(candidates),
            task={"set": "evaluation", "query": list(map(int, query)),
                  "candidates": [list(map(int, c)) for c in candidates]},
            answer=int(answer), model_name=model_name, model_answer=int(model_answer),
            model_similarities=[float(s) for s in model_similarities], model_seconds=float(model_seconds),
            started_at=moment))
        return _current_round(connection, info.id)
    return transaction(add, database_url)


def reveal_round(connection: Connection, code: str) -> Round | None:
    """Close the current round, if open (no more answers); returns it. The caller owns the transaction."""
    info = class_row(connection, code)
    current = _current_round(connection, info.id)
    if current is not None and not current.revealed:
        connection.execute(schema.rounds.update().where(schema.rounds.c.id == current.id).values(revealed_at=now()))
    return _current_round(connection, info.id)


def answer_round(token: str, number: int, choice: int, database_url: str | None = None,
                 code: str | None = None) -> bool:
    """Record ``choice`` for round ``number``; returns whether it was right. One answer per player and round: a second
    one (a double click, another tab) changes nothing. A round that is revealed or replaced takes no more answers.
    ``code``: the class the device thinks it is in (the route's), refused when the token is another class's."""
    def answer(connection: Connection) -> bool:
        player = player_of(connection, token)
        if code is not None and class_row(connection, code).id != player.class_id:
            raise NotAPlayerError(_("You are not in this class (any more): join again."))
        ended = connection.execute(sa.select(schema.classes.c.ended_at)
                                   .where(schema.classes.c.id == player.class_id)).scalar() is not None
        current = _current_round(connection, player.class_id)
        if ended or current is None or current.number != number or current.revealed:
            raise RoundClosedError(_("This round is closed; wait for the next one."))
        if not 0 <= choice < current.ways:
            raise RoundClosedError(_("There is no candidate {choice} in this round.").format(choice=choice + 1))
        table = schema.answers
        existing = connection.execute(sa.select(table.c.correct).where(
            table.c.round_id == current.id, table.c.player_id == player.id)).first()
        if existing is not None:
            return bool(existing.correct)
        seconds = max(0.0, (now() - current.started_at).total_seconds())
        connection.execute(table.insert().values(round_id=current.id, player_id=player.id, choice=choice,
                                                 correct=choice == current.answer, seconds=seconds, created_at=now()))
        return choice == current.answer
    try:
        return transaction(answer, database_url)
    except IntegrityError:  # the same player's other tab answered in between: run again, and that answer stands
        return transaction(answer, database_url)


def _leaderboard(connection: Connection, class_id: int) -> tuple[LeaderRow, ...]:
    players, answers, rounds = schema.players, schema.answers, schema.rounds
    rows = connection.execute(
        sa.select(players.c.nickname, sa.func.count(answers.c.id), sa.func.sum(sa.cast(answers.c.correct, sa.Integer)),
                  sa.func.avg(answers.c.seconds))
        .select_from(players.outerjoin(answers, answers.c.player_id == players.c.id))
        .where(players.c.class_id == class_id).group_by(players.c.id, players.c.nickname)).all()
    humans = [LeaderRow(name, False, int(count), int(right or 0), float(mean) if mean is not None else None)
              for name, count, right, mean in rows]
    played = connection.execute(sa.select(rounds.c.answer, rounds.c.model_answer, rounds.c.model_seconds,
                                          rounds.c.model_name)
                                .where(rounds.c.class_id == class_id)).all()
    board = humans
    if played:
        model = LeaderRow(_("the model ({name})").format(name=played[-1].model_name), True, len(played),
                          sum(r.answer == r.model_answer for r in played),
                          sum(r.model_seconds for r in played) / len(played))
        board = [*humans, model]
    return tuple(sorted(board, key=lambda r: (-r.correct, r.mean_seconds if r.mean_seconds is not None else 1e9,
                                              r.name.casefold())))


def class_state(code: str, database_url: str | None = None, with_results: bool = True) -> ClassState:
    """The projector's view of the class. ``with_results=False`` skips the histogram and leaderboard (the 1-second
    poll needs only the counts)."""
    def read(connection: Connection) -> ClassState:
        info = class_row(connection, code)
        players = connection.execute(sa.select(sa.func.count()).select_from(schema.players)
                                     .where(schema.players.c.class_id == info.id)).scalar_one()
        current = _current_round(connection, info.id)
        answered, choices, board = 0, (), ()
        if current is not None:
            rows = connection.execute(sa.select(schema.answers.c.choice).where(
                schema.answers.c.round_id == current.id)).scalars().all()
            answered = len(rows)
            if current.revealed and with_results:
                choices = tuple(rows.count(i) for i in range(current.ways))
        if with_results:
            board = _leaderboard(connection, info.id)
        return ClassState(info, int(players), current, answered, choices, board)
    return read_only(read, database_url)


def player_view(code: str, token: str, database_url: str | None = None) -> PlayerView:
    def read(connection: Connection) -> PlayerView:
        info, player = membership(connection, code, token)
        current = _current_round(connection, info.id)
        table = schema.answers
        choice = None
        if current is not None:
            choice = connection.execute(sa.select(table.c.choice).where(
                table.c.round_id == current.id, table.c.player_id == player.id)).scalar()
        # Right answers of revealed rounds only: counting the open round's would tell a script that joined once per
        # candidate which one is right before the reveal.
        rounds = schema.rounds
        answered, correct = connection.execute(
            sa.select(sa.func.count(table.c.id),
                      sa.func.sum(sa.case((rounds.c.revealed_at.is_not(None), sa.cast(table.c.correct, sa.Integer)),
                                          else_=0)))
            .select_from(table.join(rounds, rounds.c.id == table.c.round_id))
            .where(table.c.player_id == player.id)).one()
        return PlayerView(info, player, current, choice, int(correct or 0), int(answered))
    return read_only(read, database_url)


def class_summary(code: str, database_url: str | None = None) -> ClassSummary:
    def read(connection: Connection) -> ClassSummary:
        info = class_row(connection, code)
        rounds, answers = schema.rounds, schema.answers
        played = connection.execute(sa.select(rounds.c.answer, rounds.c.model_answer)
                                    .where(rounds.c.class_id == info.id)).all()
        count, right = connection.execute(
            sa.select(sa.func.count(answers.c.id), sa.func.sum(sa.cast(answers.c.correct, sa.Integer)))
            .select_from(answers.join(rounds)).where(rounds.c.class_id == info.id)).one()
        return ClassSummary(len(played), int(count), int(right or 0), sum(r.answer == r.model_answer for r in played))
    return read_only(read, database_url)
