"""A CSV of points (x, y, label; a header optional), checked whole: every bad row is reported with
its line number and reason, and a file with any bad row gives no points at all."""

import csv
import math
from dataclasses import dataclass
from typing import Any

from app.data import label_problem
from app.protocol import COORDINATE_LIMIT

HEADER = ("x", "y", "label")
SET = "set"  # an optional fourth column: "train" or "test", as Download CSV writes it
SETS = {"train": True, "test": False}
HEADER_SHOWN = 80  # characters of a wrong header quoted back
BLANK = ' \t,"'  # a line of nothing but these holds no point


@dataclass(frozen=True)
class Points:
    """A file's points as [x, y, label] rows, the class count its labels use, and which train
    (None when the file has no set column: the ratio decides)."""

    rows: list[list[float]]
    n_classes: int
    train: list[bool] | None = None


class CsvError(ValueError):
    """The file's problems: [{"line": n or None, "reason": "..."}], every one of them."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} problem(s), the first: {errors[0]['reason']}")
        self.errors = errors


def _number(text: str) -> float | None:
    """The number a cell holds (NaN and infinities too: a row of them is data, with a bad
    value, not a header), or None."""
    try:
        return float(text)
    except ValueError:
        return None


def _rows(lines: list[tuple[int, str]]) -> list[tuple[int, list[str] | str]]:
    """Each line's number and its cells, or the reason it cannot be read; lines of empty cells
    are left out. A line the csv module refuses (a field over its size limit) is a bad row
    like any other."""
    rows: list[tuple[int, list[str] | str]] = []
    for line, text_line in lines:
        try:
            cells = next(csv.reader([text_line]), [])
        except csv.Error as error:
            rows.append((line, f"this line is not CSV: {error}"))
            continue
        if any(cells):
            rows.append((line, cells))
    return rows


def _not_numbers(names: list[str], what: str) -> str:
    """'x is not a number', 'x and y are not a finite number', or '' for no names."""
    if not names:
        return ""
    return f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} not {what}"


def _classes(labels: list[float]) -> tuple[int, dict[float, float]]:
    """The class count a file's labels mean, and how to read them. Labels with a -1 are ±1 (two
    classes); otherwise classes are 0..k−1 (k from 2 to 5), and for two, 1 is +1 and 0 is -1."""
    if -1.0 in labels:
        return 2, {}
    top = max((v for v in labels if v == int(v) and 0 <= v <= 4), default=1.0)
    k = max(2, int(top) + 1)
    return k, ({1.0: 1.0, 0.0: -1.0} if k == 2 else {})


def _text_lines(data: bytes, max_points: int) -> list[tuple[int, str]]:
    """The file's non-blank lines with their numbers, refused when not UTF-8 or too many."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError([{"line": None, "reason": "the file is not UTF-8 text"}]) from None
    # Lines end in LF, CRLF or a lone CR (old Mac files). Counted before they are parsed: a
    # file of many short lines is refused without the work.
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip(BLANK)]
    if len(lines) > max_points + 1:  # a header and the points
        reason = f"the file has more than {max_points} points; a session holds at most {max_points}"
        raise CsvError([{"line": None, "reason": reason}])
    return lines


def _columns(rows: list[tuple[int, list[str] | str]]) -> tuple[str, ...]:
    """The file's columns, from its header (popped from `rows`) or, without one, its width."""
    first = rows[0][1] if rows else None
    if isinstance(first, list) and _number(first[0].strip()) is None:  # a header
        line, _ = rows.pop(0)
        columns = tuple(cell.strip().lower() for cell in first)
        if columns not in (HEADER, (*HEADER, SET)):
            got = ", ".join(first)
            if len(got) > HEADER_SHOWN:
                got = got[:HEADER_SHOWN] + "…"
            reason = f"the header must be x, y, label (and set), not {got}"
            raise CsvError([{"line": line, "reason": reason}])
        return columns
    if isinstance(first, list) and len(first) == len(HEADER) + 1:
        return (*HEADER, SET)  # no header, but a set column: the file says which train
    return HEADER


def _point(
    row: list[str] | str, columns: tuple[str, ...], train: list[bool]
) -> tuple[float, float, float] | str:
    """One row's x, y and label (its set appended to `train`), or the sentence refusing it."""
    if isinstance(row, str):
        return row
    if len(row) != len(columns):
        return f"expected {len(columns)} columns ({', '.join(columns)}), found {len(row)}"
    if len(columns) > len(HEADER):
        which = row.pop().strip().lower()
        if which not in SETS:
            return f"set is {which!r}, not train or test"
        train.append(SETS[which])
    values = [_number(cell.strip()) for cell in row]
    named = list(zip(HEADER, values, strict=True))
    bad = [name for name, v in named if v is None or math.isnan(v)]
    infinite = [name for name, v in named if v is not None and math.isinf(v)]
    if bad or infinite:
        return _not_numbers(bad, "a number") or _not_numbers(infinite, "a finite number")
    x, y, label = (v for v in values if v is not None)
    outside = [f"{n} {v:g}" for n, v in (("x", x), ("y", y)) if abs(v) > COORDINATE_LIMIT]
    if outside:
        return f"{' and '.join(outside)} outside {-COORDINATE_LIMIT:g} to {COORDINATE_LIMIT:g}"
    return x, y, label


def parse(data: bytes, problem: str, max_points: int) -> Points:
    """The points of a CSV file for `problem` ("classification" or "regression")."""
    rows = _rows(_text_lines(data, max_points))
    columns = _columns(rows)
    if not rows:
        raise CsvError([{"line": None, "reason": "the file has no points"}])
    if len(rows) > max_points:
        reason = f"the file has {len(rows)} points; a session holds at most {max_points}"
        raise CsvError([{"line": None, "reason": reason}])
    errors: list[dict[str, Any]] = []
    parsed: list[tuple[int, float, float, float]] = []
    train: list[bool] = []
    for line, row in rows:
        point = _point(row, columns, train)
        if isinstance(point, str):
            errors.append({"line": line, "reason": point})
        else:
            parsed.append((line, *point))
    n_classes, read = (2, {}) if problem == "regression" else _classes([p[3] for p in parsed])
    points = []
    for line, x, y, label in parsed:
        label = read.get(label, label) if read else label
        wrong = label_problem(label, problem, n_classes)
        if wrong is not None:
            errors.append({"line": line, "reason": wrong})
        points.append([x, y, label])
    if errors:
        raise CsvError(sorted(errors, key=lambda e: e["line"] or 0))
    return Points(points, n_classes, train if len(columns) > len(HEADER) else None)
