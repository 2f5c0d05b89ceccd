"""The lab package speaks the session's language: its errors, notes, tables and figures are translated when they
are made (the session's thread), the command line stays English, and nothing is translated at import time (a
module is imported once per server, whoever's language is current then)."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from lab import i18n, limits
from lab.figures import omniglot as plots
from lab.errors import ArchiveError, ImageError, OutOfRangeError
from tests.conftest import REPO

LAB = REPO / "lab"


@pytest.fixture
def speak(monkeypatch: pytest.MonkeyPatch):
    """``speak("pt")`` makes the current session Portuguese (as ui.language registers it), ``speak("en")`` English."""
    def choose(language: str) -> None:
        monkeypatch.setattr(i18n, "_language_source", lambda: language)
    return choose


def message_of(call) -> str:
    with pytest.raises(Exception) as caught:
        call()
    return str(caught.value)


# (a) errors carry the session's language

def test_a_range_error_is_portuguese_in_a_portuguese_session_and_english_otherwise(speak) -> None:
    """Its words and its numbers (200.000, 0,1 in Portuguese)."""
    speak("pt")
    assert message_of(lambda: limits.PAIRS.check(1)) == \
        "o número de pares deve ser um número inteiro de 2 a 200.000; recebido 1"
    assert "a taxa de aprendizado deve ser um número maior que 0 e no máximo 0,1" in message_of(
        lambda: limits.LEARNING_RATE.parse("abc"))
    speak("en")
    assert message_of(lambda: limits.PAIRS.check(1)) == \
        "the number of pairs must be a whole number from 2 to 200,000; got 1"


def test_upload_and_archive_errors_follow_the_language(speak, tmp_path: Path) -> None:
    from lab.data.archives import verify_archive
    from lab.images import read_drawing

    broken = tmp_path / "images_background.zip"
    broken.write_bytes(b"not a zip")
    speak("pt")
    with pytest.raises(ImageError, match=r"^desenho\.png: arquivo vazio \(0 bytes\)\.$"):
        read_drawing(b"", "desenho.png")
    with pytest.raises(ImageError, match="não é uma imagem: envie um desenho"):
        read_drawing(b"hello", "notes.txt")
    with pytest.raises(ArchiveError, match="não é um arquivo zip legível.*Apague este arquivo e baixe-o de novo"):
        verify_archive(broken)
    speak("en")
    with pytest.raises(ImageError, match="notes.txt is not an image: upload a drawing"):
        read_drawing(b"hello", "notes.txt")
    with pytest.raises(ArchiveError, match="not a readable zip archive.*Delete this file and fetch it again"):
        verify_archive(broken)


def test_counts_choose_their_form_in_both_languages(speak, tmp_path: Path) -> None:
    from lab.faces.gallery import Gallery

    database = Gallery("class", "Facenet", "yunet", np.array(["ana"]), np.array(["a.jpg"]))
    speak("pt")
    assert database.summary() == "class (Facenet + yunet), 1 pessoa, 1 rosto"
    speak("en")
    assert database.summary() == "class (Facenet + yunet), 1 person, 1 face"


# (b) the command line has no language source: English, whatever a session elsewhere chose

def test_the_command_line_stays_english() -> None:
    result = subprocess.run([sys.executable, "-m", "lab", "evaluate", "pairs", "--pairs", "1"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "the number of pairs must be a whole number from 2 to 200,000; got 1" in result.stderr


def test_the_command_line_never_registers_a_language_source() -> None:
    sources = [path.name for path in (LAB / "cli").glob("*.py") if "use_language_source" in path.read_text()]
    assert sources == []


# (c) figures

def test_a_figure_made_in_a_portuguese_session_has_portuguese_titles(speak) -> None:
    edges = np.linspace(0, 1, 5)
    speak("pt")
    figure = plots.score_histograms(np.array([0, 1, 2, 5]), np.array([4, 2, 1, 0]), edges, 0.6)
    assert figure.layout.yaxis.title.text == "número de pares"
    assert figure.layout.title.text.startswith("Escores de similaridade")  # the default title, marked with N_
    assert [t.name for t in figure.data] == ["caracteres diferentes", "mesmo caractere"]
    assert figure.layout.annotations[0].text == "limiar 0,600"  # its number too
    assert figure.data[0].hovertemplate == "%{x:.3f}: %{y} pares diferentes<extra></extra>"
    caller = plots.score_histograms(np.ones(4), np.ones(4), edges, 0.3, title="Distâncias", names=("a", "b"))
    assert caller.layout.title.text == "Distâncias" and caller.data[1].name == "a"  # a caller's text unchanged
    speak("en")
    figure = plots.score_histograms(np.array([0, 1, 2, 5]), np.array([4, 2, 1, 0]), edges, 0.6)
    assert figure.layout.yaxis.title.text == "number of pairs"


# (d) nothing is translated at import time

def _translation_calls_outside_functions(tree: ast.Module) -> list[int]:
    """Lines where _() or ngettext() runs when the module or a class body is executed, default arguments included."""
    found: list[int] = []

    def visit(node: ast.AST, inside_function: bool) -> None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            if not inside_function:
                found.append(node.lineno)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]:
                visit(default, inside_function)  # evaluated where the function is defined
            for decorator in getattr(node, "decorator_list", []):
                visit(decorator, inside_function)
            body = node.body if isinstance(node.body, list) else [node.body]
            for statement in body:
                visit(statement, True)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, inside_function)

    visit(tree, False)
    return found


def test_no_lab_module_translates_at_import() -> None:
    found = [f"{path.relative_to(REPO)}:{line}" for path in sorted(LAB.rglob("*.py"))
             for line in _translation_calls_outside_functions(ast.parse(path.read_text()))]
    assert found == [], "use N_() at module level and _() where the text is shown:\n" + "\n".join(found)


def test_the_static_check_sees_import_time_translations() -> None:
    tree = ast.parse('A = _("x")\ndef f(b=_("y")):\n    return _("z")\nclass C:\n    d = ngettext("a", "b", 2)\n')
    assert _translation_calls_outside_functions(tree) == [1, 2, 5]


def test_modules_imported_in_a_portuguese_session_still_speak_english_afterwards() -> None:
    """Import the lab's modules afresh while the language is Portuguese, then switch to English: every table
    built at import must still be English (N_), so the English session gets English."""
    script = (
        "import lab.i18n as i18n\n"
        "i18n.use_language_source(lambda: 'pt')\n"
        "import lab.limits as limits, lab.figures.omniglot as plots, lab.images as images, lab.data.archives as archives\n"
        "import lab.faces.detection as detection, lab.faces.embedding as embedding, lab.evaluation.lake as lake\n"
        "assert limits.PAIRS.what == 'the number of pairs', limits.PAIRS.what\n"
        "assert archives.REFETCH == 'Delete this file and fetch it again.'\n"
        "assert detection.DETECTOR_NOTES['yunet'].startswith('YuNet (2023): a small CNN')\n"
        "assert 'Humans' in lake.PUBLISHED\n"
        "i18n.use_language_source(lambda: 'en')\n"
        "try:\n"
        "    limits.PAIRS.check(1)\n"
        "except Exception as exc:\n"
        "    assert str(exc).startswith('the number of pairs must be'), exc\n"
        "import numpy as np\n"
        "figure = plots.score_histograms(np.ones(4), np.ones(4), np.linspace(0, 1, 5), 0.5)\n"
        "assert figure.layout.title.text.startswith('Similarity scores'), figure.layout.title.text\n"
        "print('english')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.strip() == "english", result.stderr[-2000:]


# Every string wrapped in lab/ has its Portuguese, plural forms included.

def test_every_lab_string_has_a_portuguese_translation() -> None:
    with i18n.catalogue_path("pt").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {}
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            translated[text] = bool(message.id) and all(forms) and not message.fuzzy
    missing = sorted({f"{name}:{line}: {text!r}" for name, line, found, _comments, _context in extract_from_dir(
        str(LAB), [("**.py", "python")], keywords={"_": None, "N_": None, "ngettext": (1, 2)})
        for text in (found if isinstance(found, tuple) else (found,)) if not translated.get(text)})
    assert missing == [], "\n".join(missing[:40])


def test_a_range_error_stays_a_value_error_in_portuguese(speak) -> None:
    """OutOfRangeError stays a ValueError in every language (the command line's exit status 2 relies on it)."""
    speak("pt")
    with pytest.raises(ValueError):
        limits.WAY.check(50)
    with pytest.raises(OutOfRangeError, match="de 2 a 20"):
        limits.WAY.check(50)


def test_zip_advice_is_not_the_catalogue_header(speak, tmp_path: Path) -> None:
    """An empty advice must not go through _(""), which gettext answers with the catalogue's header."""
    from lab.data.archives import verify_archive

    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../evil.png", b"x")
    speak("pt")
    message = message_of(lambda: verify_archive(path, advice=""))
    assert "Project-Id-Version" not in message and "aponta para fora da sua pasta" in message


def test_an_empty_title_stays_empty(speak) -> None:
    speak("pt")
    figure = plots.score_histograms(np.ones(4), np.ones(4), np.linspace(0, 1, 5), 0.5, title="", xaxis_title="")
    assert not figure.layout.title.text and not figure.layout.xaxis.title.text


def test_a_figures_own_numbers_follow_the_session(speak) -> None:
    """Numbers a figure writes in Python (bar labels, legend names) are the session's; Plotly's own (ticks,
    %{y:.1f}) follow the separators that ui.projector.projected sets."""
    speak("pt")
    figure = plots.accuracy_by_alphabet({"Latin": 0.969, "Greek": 0.5}, "título")
    assert list(figure.data[0].text) == ["50,0%", "96,9%"]
    speak("en")
    assert list(plots.accuracy_by_alphabet({"Latin": 0.969, "Greek": 0.5}, "title").data[0].text) == ["50.0%", "96.9%"]
