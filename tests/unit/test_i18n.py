"""Every string a user reads is translated: the catalogue covers every wrapped string, keeps its placeholders, and
no page, widget or plot is given a bare English literal (which extraction could not see)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from lab import i18n

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Streamlit calls whose first argument (or whose label/help/... keyword) a user reads.
SHOWN = {"title", "header", "subheader", "markdown", "caption", "write", "text", "info", "warning", "error",
         "success", "toast", "button", "download_button", "form_submit_button", "link_button", "page_link",
         "metric", "selectbox", "multiselect", "radio", "slider", "select_slider", "number_input", "text_input",
         "text_area", "checkbox", "toggle", "file_uploader", "camera_input", "color_picker", "popover", "expander",
         "spinner", "progress", "status", "segmented_control", "pills", "date_input", "dialog", "tabs"}
# Names that are the same in every language.
SAME_IN_EVERY_LANGUAGE = {"One-Shot Lab", "Language · Idioma"}
SHOWN_KEYWORDS = {"label", "help", "placeholder", "caption", "title", "xaxis_title", "yaxis_title", "body",
                  "value_label", "spinner_text", "show_spinner", "text"}


def extracted() -> dict[str, tuple[str, int]]:
    """msgid -> (file, line) of every string wrapped in _() / ngettext() / N_(), as pybabel extract sees it."""
    method_map = [("app.py", "python"), ("views/**.py", "python"), ("ui/**.py", "python"), ("lab/**.py", "python")]
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
        # An ngettext entry is filed under its singular (its plural is the same entry's msgid_plural).
        found.setdefault(message[0] if isinstance(message, tuple) else message, (filename, lineno))
    return found


@pytest.fixture(scope="module")
def portuguese() -> dict:
    with i18n.catalogue_path("pt").open("rb") as handle:
        catalogue = read_po(handle)
    return {message.id if isinstance(message.id, str) else message.id[0]: message
            for message in catalogue if message.id}


def test_every_wrapped_string_has_a_portuguese_translation(portuguese: dict) -> None:
    missing = [f"{where[0]}:{where[1]}: {text!r}" for text, where in extracted().items()
               if text not in portuguese or not portuguese[text].string or portuguese[text].fuzzy
               or (isinstance(portuguese[text].string, tuple) and not all(portuguese[text].string))]
    assert not missing, f"{len(missing)} strings without a Portuguese translation:\n" + "\n".join(missing[:40])


def test_translations_keep_their_placeholders(portuguese: dict) -> None:
    wrong = []
    for text, message in portuguese.items():
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for translation in translations:
            if translation and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(translation)):
                wrong.append(f"{text!r} -> {translation!r}")
    assert not wrong, "placeholders changed:\n" + "\n".join(wrong[:20])


def _is_user_text(node: ast.AST) -> bool:
    """A literal with words in it (an f-string counts: it cannot be extracted at all)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (bool(re.search(r"[A-Za-z]{2,}", node.value)) and not node.value.startswith((":material/", "<"))
                and node.value not in SAME_IN_EVERY_LANGUAGE)
    if isinstance(node, ast.JoinedStr):
        return any(_is_user_text(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_user_text(node.left) or _is_user_text(node.right)
    return False


def bare_literals(path: Path) -> list[str]:
    """Calls of a SHOWN Streamlit function (st.x, column.x, ...) given user text that is not wrapped in _()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SHOWN or any(k.arg == "unsafe_allow_html" for k in node.keywords):
            continue
        shown = [node.args[0]] if node.args else []
        shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        for argument in shown:
            if _is_user_text(argument):
                found.append(f"{path.relative_to(ROOT)}:{argument.lineno}: {ast.unparse(argument)[:70]}")
    return found


UI_FILES = sorted([ROOT / "app.py", *(ROOT / "views").glob("*.py"), *(ROOT / "ui").glob("*.py")])


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_untranslated_literal_reaches_the_screen(path: Path) -> None:
    found = bare_literals(path)
    assert not found, "wrap these in _() (and translate them in lab/locales):\n" + "\n".join(found)


def test_the_check_finds_a_bare_literal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    page = tmp_path / "page.py"
    page.write_text('import streamlit as st\nst.title("Hello")\nst.caption(_("Fine"))\n'
                    'st.metric(f"AUC of {m}", 1)\nst.markdown("<style>x</style>", unsafe_allow_html=True)\n')
    assert [line.split(":")[1] for line in bare_literals(page)] == ["2", "4"]


def test_portuguese_is_used_when_the_session_asks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_language_source", lambda: "pt")
    assert i18n._("Projector mode") != "Projector mode"
    monkeypatch.setattr(i18n, "_language_source", lambda: "en")
    assert i18n._("Projector mode") == "Projector mode"


def test_an_unknown_or_broken_language_source_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_language_source", lambda: "xx")
    assert i18n._("Projector mode") == "Projector mode"

    def outside_a_session() -> str:
        raise RuntimeError("no session")

    monkeypatch.setattr(i18n, "_language_source", outside_a_session)
    assert i18n._("Projector mode") == "Projector mode"


def test_a_stale_compiled_catalogue_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .mo older than its .po (an edit not yet compiled) gives way to the .po compiled in memory."""
    folder = tmp_path / "pt_BR" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                        'msgid "Hello"\nmsgstr "Olá"\n', encoding="utf-8")
    (folder / "messages.mo").write_bytes(b"stale")
    import os
    os.utime(folder / "messages.mo", (0, 0))
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("pt").gettext("Hello") == "Olá"
    finally:
        i18n.translations.cache_clear()
