"""When two nicknames look alike: their confusable skeleton (Unicode TR39, section 4).

A nickname on the projector must not pass for another one: 'bоt0003' with a Cyrillic о, 'B0T0003' with a zero, or
'paypaI' with a capital I are each the same player as 'bot0003' or 'paypal' to the eye. :func:`nickname_key` maps
every nickname to its TR39 skeleton (case folded, with TR39's own digit classes: 0 as O, 1 as l), and the database
keeps that key unique in a class (``players_unique_skeleton``), so two servers racing cannot both take one.

The skeleton comes from disarm (``disarm.skeleton_key(..., digit_policy="tr39")``), which folds with Unicode's
confusables table (``disarm.CONFUSABLES_VERSION``) and runs the fold to a fixed point, so that the key of a key is
itself. A key is never shown: it is a hodgepodge of scripts, made only to compare.
"""

from __future__ import annotations

import hashlib

from disarm import skeleton_key

KEY_LENGTH = 255  # players.nickname_skeleton's length; a longer skeleton (a 20-character nickname cannot expand so
# far, but a table can change) is kept as its sha256


def nickname_key(nickname: str) -> str:
    """The key under which ``nickname`` (already cleaned) is unique in a class: its TR39 skeleton, case folded.

    A nickname whose every character folds to nothing keeps its own case-folded text as its key."""
    key = skeleton_key(nickname, digit_policy="tr39") or nickname.casefold()
    if len(key) > KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key
