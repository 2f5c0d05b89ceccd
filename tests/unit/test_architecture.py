"""The layering a newcomer relies on: no import cycles in lab/, evaluation below siamese, no Streamlit in lab/,
and functions and files small enough to read (60 and 300 lines)."""

from __future__ import annotations

import ast
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
    return found


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


def test_lab_has_one_database_error() -> None:
    """Two classes of one name let ``except DatabaseError`` catch one and miss the other: there is one."""
    defined = [f"{path.relative_to(REPO)}" for path in sorted(LAB.rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.ClassDef) and node.name == "DatabaseError"]
    assert defined == ["lab/db/engine.py"]
