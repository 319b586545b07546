"""A CSV of points (x, y, label; a header optional), checked whole: every bad row is reported with
its line number and reason, and a file with any bad row gives no points at all."""

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

from app.data import label_problem
from app.protocol import COORDINATE_LIMIT

HEADER = ("x", "y", "label")


@dataclass(frozen=True)
class Points:
    """A file's points as [x, y, label] rows, and the class count its labels use."""

    rows: list[list[float]]
    n_classes: int


class CsvError(ValueError):
    """The file's problems: [{"line": n or None, "reason": "..."}], every one of them."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} problem(s), the first: {errors[0]['reason']}")
        self.errors = errors


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _classes(labels: list[float]) -> tuple[int, dict[float, float]]:
    """The class count a file's labels mean, and how to read them. Labels with a -1 are ±1 (two
    classes); otherwise classes are 0..k−1 (k from 2 to 5), and for two, 1 is +1 and 0 is -1."""
    if -1.0 in labels:
        return 2, {}
    top = max((v for v in labels if v == int(v) and 0 <= v <= 4), default=1.0)
    k = max(2, int(top) + 1)
    return k, ({1.0: 1.0, 0.0: -1.0} if k == 2 else {})


def parse(data: bytes, problem: str, max_points: int) -> Points:
    """The points of a CSV file for `problem` ("classification" or "regression")."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError([{"line": None, "reason": "the file is not UTF-8 text"}]) from None
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), 1) if any(row)]
    if rows and _number(rows[0][1][0].strip()) is None:  # a header
        line, header = rows.pop(0)
        if tuple(cell.strip().lower() for cell in header) != HEADER:
            got = ", ".join(header)
            raise CsvError([{"line": line, "reason": f"the header must be x, y, label, not {got}"}])
    if not rows:
        raise CsvError([{"line": None, "reason": "the file has no points"}])
    if len(rows) > max_points:
        reason = f"the file has {len(rows)} points; a session holds at most {max_points}"
        raise CsvError([{"line": None, "reason": reason}])
    errors: list[dict[str, Any]] = []
    parsed: list[tuple[int, float, float, float]] = []
    for line, row in rows:
        if len(row) != 3:
            reason = f"expected 3 columns (x, y, label), found {len(row)}"
            errors.append({"line": line, "reason": reason})
            continue
        values = [_number(cell.strip()) for cell in row]
        bad = [name for name, v in zip(HEADER, values, strict=True) if v is None]
        if bad:
            reason = f"{' and '.join(bad)} {'is' if len(bad) == 1 else 'are'} not a number"
            errors.append({"line": line, "reason": reason})
            continue
        x, y, label = (v for v in values if v is not None)
        outside = [f"{n} {v:g}" for n, v in (("x", x), ("y", y)) if abs(v) > COORDINATE_LIMIT]
        if outside:
            reason = (
                f"{' and '.join(outside)} outside {-COORDINATE_LIMIT:g} to {COORDINATE_LIMIT:g}"
            )
            errors.append({"line": line, "reason": reason})
            continue
        parsed.append((line, x, y, label))
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
    return Points(points, n_classes)
