"""The layering a newcomer relies on: no import cycles in lab/, evaluation below siamese, no Streamlit in lab/,
and functions and files small enough to read (60 and 300 lines; 400 for a file of the bench or the tests); every
module importable as the package it is in (the project is installed, or run from its root), never by editing
``sys.path``."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

LAB = REPO / "lab"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (``from a import b``: a and a.b)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(found)


def imports_of(path: Path) -> set[str]:
    return {name for name in imported_names(path) if name == "lab" or name.startswith("lab.")}


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in LAB.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def test_lab_has_no_import_cycles() -> None:
    graph = import_graph()
    visiting, done, cycles = set(), set(), []

    def visit(module: str, path: list[str]) -> None:
        if module in visiting:
            cycles.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        visiting.add(module)
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        visiting.discard(module)
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []


def test_lower_layers_never_import_higher_ones() -> None:
    rules = {"lab.data": ("lab.evaluation", "lab.siamese", "lab.faces", "lab.workflows", "lab.cli"),
             "lab.evaluation": ("lab.siamese", "lab.faces", "lab.workflows", "lab.cli"),
             "lab.siamese": ("lab.faces", "lab.workflows", "lab.cli"),
             "lab.faces": ("lab.siamese", "lab.workflows", "lab.cli"),
             "lab.workflows": ("lab.cli",)}
    wrong = [(module, target) for module, targets in import_graph().items() for target in targets
             for package, forbidden in rules.items() if module.startswith(package) and target.startswith(forbidden)]
    assert wrong == []


def test_lab_never_imports_streamlit() -> None:
    assert [p.name for p in LAB.rglob("*.py") if "streamlit" in {n.split(".")[0] for n in imported_names(p)}] == []


def test_lab_serves_no_http_and_the_routes_draw_no_page() -> None:
    """HTTP is the routes' business (api/), pages are Streamlit's (ui/, views/): lab/ stays a library of both."""
    web = {"starlette", "uvicorn"}
    assert [p.name for p in LAB.rglob("*.py") if web & {n.split(".")[0] for n in imported_names(p)}] == []
    def draws_pages(name: str) -> bool:  # streamlit.proto is the protocol the routes may read; the rest draws pages
        return name.split(".")[0] in ("ui", "views") or name == "streamlit" or (
            name.startswith("streamlit.") and not name.startswith("streamlit.proto"))

    api = (REPO / "api").rglob("*.py")
    assert [p.name for p in api if any(draws_pages(n) for n in imported_names(p))] == []


def test_functions_and_files_stay_short() -> None:
    long = []
    for folder in ("lab", "api", "ui", "views"):
        for path in sorted((REPO / folder).rglob("*.py")):
            source = path.read_text()
            if len(source.splitlines()) > 300:
                long.append(f"{path.relative_to(REPO)}: {len(source.splitlines())} lines")
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                    long.append(f"{path.relative_to(REPO)}: {node.name}() has {node.end_lineno - node.lineno + 1} lines")
    assert long == []


NOT_OURS = {".venv", ".git", "__pycache__", "test-artifacts", ".hypothesis"}  # a virtual environment, caches, artifacts


def python_files() -> Iterator[Path]:
    """Every .py file of the checkout, less :data:`NOT_OURS` (symbolic links to folders, such as a shared .venv, are
    not followed)."""
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS and not name.endswith(".egg-info")]
        yield from (Path(folder) / name for name in files if name.endswith(".py"))


def test_bench_and_test_files_stay_short() -> None:
    long = [f"{path.relative_to(REPO)}: {count} lines" for folder in ("bench", "tests")
            for path in sorted((REPO / folder).rglob("*.py")) if (count := len(path.read_text().splitlines())) > 400]
    assert long == []


def test_no_module_edits_sys_path() -> None:
    """The packages are found because the project is installed (``pip install -e .``) or run from its root
    (``python -m bench.classroom``), not because a script put a folder in front of ``sys.path``."""
    needle = "sys.path" + ".insert"  # written in two halves, so that this file does not find itself
    assert [str(path.relative_to(REPO)) for path in python_files() if needle in path.read_text()] == []


HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
RGB_COLOUR = re.compile(r"rgba?\([\d\s.,]+\)")
LAYOUT_CALLS = {"update_layout", "update_xaxes", "update_yaxes", "update_traces", "add_vline", "add_hline"}


def plotly_layout_literals(source: str) -> list[tuple[int, str]]:
    """Where ``source`` styles a figure itself: a layout update, a ``margin`` or ``template`` given as a keyword or
    a dict key, or a string that is a colour and nothing else. A colour inside a longer string (a page's CSS) is
    not a figure's."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LAYOUT_CALLS:
            found.append((node.lineno, f"{node.func.attr}()"))
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                # A margin as a number is the triplet loss's (lab/cli/train.py); a figure's is a dict.
                figure_margin = keyword.arg == "margin" and isinstance(keyword.value, ast.Dict | ast.Call)
                if keyword.arg == "template" or figure_margin:
                    found.append((node.lineno, f"{keyword.arg}="))
        if isinstance(node, ast.Dict):
            found.extend((node.lineno, f"{key.value!r}: ...") for key in node.keys
                         if isinstance(key, ast.Constant) and key.value in ("margin", "template"))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                HEX_COLOUR.fullmatch(node.value.strip()) or RGB_COLOUR.fullmatch(node.value.strip())):
            found.append((node.lineno, repr(node.value)))
    return sorted(found)


def test_figures_are_styled_only_in_lab_figures() -> None:
    """One home for the look of the figures: no Plotly layout, margin, template or colour outside lab/figures/."""
    styled = [f"{path.relative_to(REPO)}:{line}: {what}"
              for folder in ("lab", "ui", "views", "api") for path in sorted((REPO / folder).rglob("*.py"))
              if (REPO / "lab" / "figures") not in path.parents
              for line, what in plotly_layout_literals(path.read_text())]
    assert styled == []


def test_the_layout_rule_sees_what_it_forbids() -> None:
    source = ('figure.update_layout(title="t")\nf(margin={"l": 1})\ng(margin=dict(l=1))\nh(template="plotly")\n'
              'colour = "#1f77b4"\nlegend = {"bgcolor": "rgba(255, 255, 255, 0.85)"}\nlayout = {"margin": {}}\n'
              'css = "<style>p { color: #000; }</style>"\ntrain(margin=0.2)\n')
    assert [line for line, _what in plotly_layout_literals(source)] == [1, 2, 3, 4, 5, 6, 7]


def test_lab_has_one_database_error() -> None:
    """Two classes of one name let ``except DatabaseError`` catch one and miss the other: there is one."""
    defined = [f"{path.relative_to(REPO)}" for path in sorted(LAB.rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.ClassDef) and node.name == "DatabaseError"]
    assert defined == ["lab/db/engine.py"]
