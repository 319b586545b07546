"""The loss chart a session keeps: one point per epoch charted, thinned past HISTORY_LIMIT."""

HISTORY_LIMIT = 600  # loss-chart points a session keeps (past it, every other one goes)
CHART_DIGITS = 4  # significant digits of a charted loss: finer than a chart's pixel, and a
# 600-point history is 11 KB of JSON in every state and snapshot instead of 30

Point = tuple[int, float | None, float | None]  # epoch, train loss, test loss


def chart_value(loss: float | None) -> float | None:
    """A loss as the chart keeps it, to CHART_DIGITS significant digits."""
    return None if loss is None else float(f"{loss:.{CHART_DIGITS}g}")


def charted(history: list[Point], point: Point) -> list[Point]:
    """`history` with `point` (replacing the last when it is of the same epoch), thinned evenly."""
    if history and history[-1][0] == point[0]:
        history[-1] = point
    else:
        history.append(point)
    if len(history) > HISTORY_LIMIT:
        return history[::2]
    return history
