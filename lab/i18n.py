"""English and Brazilian Portuguese for every string the app shows, through gettext catalogues.

The code is written in English; every string a user reads is wrapped in :func:`_` (or :func:`ngettext` where a
count decides the form). ``pybabel extract`` (babel.cfg) collects them; the translations live in
``lab/locales/pt_BR/LC_MESSAGES/messages.po``; ``pybabel compile`` (``./run.sh`` does it) writes the ``.mo`` that
gettext reads. Where the ``.mo`` is missing or older than the ``.po`` (a fresh clone run without ``run.sh``), the
catalogue is compiled in memory with Babel, so a translation is never silently stale.

The language is not a global setting: one server serves a class, and each student picks their own language. The
app tells this module where the current session's language is (:func:`use_language_source`); the command line
keeps the default, English. Strings are written with named placeholders (``_("{n} faces").format(n=...)``) so
that a translation may put them in another order; a test checks that each translation keeps its placeholders.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
# The code in the URL (?lang=pt) and the gettext locale of its catalogue.
LOCALES = {"en": "en", "pt": "pt_BR"}
LANGUAGE_NAMES = {"en": "English", "pt": "Português"}  # Brazilian Portuguese; short, for the sidebar

_language_source: Callable[[], str] = lambda: DEFAULT_LANGUAGE  # noqa: E731 - replaced by the app


def use_language_source(source: Callable[[], str]) -> None:
    """Where :func:`_` reads the language of the current user (the app: the session's choice)."""
    global _language_source
    _language_source = source


def current_language() -> str:
    try:
        language = _language_source()
    except Exception:  # noqa: BLE001 - outside a session (a thread of its own, the CLI): the default
        return DEFAULT_LANGUAGE
    return language if language in LOCALES else DEFAULT_LANGUAGE


def catalogue_path(language: str, suffix: str = ".po") -> Path:
    return LOCALES_DIR / LOCALES[language] / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@lru_cache(maxsize=len(LOCALES))
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``: its compiled ``.mo`` when up to date, else the ``.po`` compiled now."""
    if language == DEFAULT_LANGUAGE or language not in LOCALES:
        return gettext.NullTranslations()
    po, mo = catalogue_path(language), catalogue_path(language, ".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.is_file():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compiled_catalogue(po)))


def compiled_catalogue(po: Path) -> bytes:
    """``po`` compiled to the bytes of a ``.mo`` file, as ``pybabel compile`` writes it (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalogue = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


def _(message: str) -> str:
    """``message`` in the current user's language (``message`` itself in English or where no translation exists)."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for ``count`` (``"{n} face"`` / ``"{n} faces"``) in the current language; format it afterwards."""
    return translations(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a string for translation where it is defined (a module-level table) without translating it there:
    modules are imported once per server, so the text is translated where it is shown, with ``_(value)``."""
    return message
