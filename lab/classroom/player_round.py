"""What a student's device draws for the current round, as the class route sends it: the round, the player's own
answer and score, and (once per round) the drawings as small PNGs.

The answer and the model's pick are sent only once the round is revealed, so a device never holds the answer while
its player can still answer.
"""

from __future__ import annotations

import base64
import io
import threading
from collections import OrderedDict
from collections.abc import Callable

from PIL import Image

from lab.classroom.rounds import PlayerView, Round, player_view
from lab.classroom.live import stage_version
from lab.data.omniglot import OmniglotSet
from lab.images import to_display

PICTURE_ROUNDS_KEPT = 32  # rounds whose drawings a server keeps encoded (a few classes' current rounds)


def png_data_url(ink) -> str:  # type: ignore[no-untyped-def] - a (105, 105) bool array
    buffer = io.BytesIO()
    Image.fromarray(to_display(ink)).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def round_pictures(data: OmniglotSet, task: Round) -> dict:
    """The query and the candidates of ``task`` as PNG data URLs (about 1 KB each)."""
    character, drawer = task.query
    return {"round": task.number, "query": png_data_url(data.images[character, drawer]),
            "candidates": [png_data_url(data.images[c, d]) for c, d in task.candidates]}


class PictureCache:
    """Each round's pictures encoded once per server, whatever the number of devices that ask (thread-safe)."""

    def __init__(self, data: Callable[[], OmniglotSet], kept: int = PICTURE_ROUNDS_KEPT) -> None:
        self._data, self._kept = data, kept
        self._pictures: OrderedDict[int, dict] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, task: Round) -> dict:
        with self._lock:  # one encoding per round: the devices of a class all ask at once
            if task.id not in self._pictures:
                self._pictures[task.id] = round_pictures(self._data(), task)
                while len(self._pictures) > self._kept:
                    self._pictures.popitem(last=False)
            self._pictures.move_to_end(task.id)
            return self._pictures[task.id]


def player_round_json(view: PlayerView, pictures: Callable[[Round], dict] | None, have: int | None) -> dict:
    """The route's answer for one player; ``have``: the round whose drawings the device already has."""
    task = view.round
    revealed = bool(task and task.revealed)
    images = None
    if task is not None and have != task.number and pictures is not None and not view.info.ended:
        images = pictures(task)
    return {"version": stage_version(view.stage), "round": task.number if task else None,
            "ways": task.ways if task else 0, "revealed": revealed, "ended": view.info.ended,
            "choice": view.choice, "answer": task.answer if revealed else None,
            "model_answer": task.model_answer if revealed else None, "correct": view.correct,
            "answered": view.answered, "nickname": view.player.nickname, "code": view.info.code, "images": images}


def player_round(code: str, token: str, pictures: Callable[[Round], dict] | None, have: int | None,
                 database_url: str | None = None) -> dict:
    """:func:`player_round_json` of the player with ``token`` in the class ``code`` (ClassroomError otherwise)."""
    return player_round_json(player_view(code, token, database_url), pictures, have)
