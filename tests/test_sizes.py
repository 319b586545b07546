"""Sizes a reader can hold: no Python function in app/, engine/, benchmarks/ or tests/ is over
MAX_FUNCTION_LINES lines, and no file there or of the page (static/, templates/) is over
MAX_FILE_LINES (issue #16)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "engine", "benchmarks", "tests")
PAGE = ("static", "templates")
MAX_FUNCTION_LINES = 60  # a function's lines, decorators and docstring included
MAX_FILE_LINES = 400


def _files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def _long_functions(source: str, name: str) -> list[str]:
    """`name:line function (n lines)` for each function of `source` over MAX_FUNCTION_LINES."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{name}:{first} {node.name} ({length} lines)")
    return found


def test_no_function_is_over_the_limit() -> None:
    long = [
        found
        for path in _files()
        for found in _long_functions(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"


def _page_files() -> list[Path]:
    return sorted(
        path
        for folder in PAGE
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".js", ".css", ".html"}
    )


def test_no_file_is_over_the_limit() -> None:
    files = _files() + _page_files()
    assert len(files) > 100  # the globs found the tree
    sizes = {path: len(path.read_text().splitlines()) for path in files}
    long = [
        f"{path.relative_to(ROOT)} ({n} lines)" for path, n in sizes.items() if n > MAX_FILE_LINES
    ]
    assert not long, f"files over {MAX_FILE_LINES} lines: {', '.join(long)}"


def test_the_check_names_a_long_function_where_its_decorator_stands() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    source = f"import functools\n@functools.cache\ndef long() -> None:\n{body}\n"
    assert _long_functions(source, "probe.py") == [
        f"probe.py:2 long ({MAX_FUNCTION_LINES + 2} lines)"
    ]


def test_the_check_passes_a_function_at_the_limit() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1))
    assert _long_functions(f"def short() -> None:\n{body}\n", "probe.py") == []
