"""A session's pace (app/pace.py) and its loss chart (app/history.py)."""

import math

import pytest

from app.history import HISTORY_LIMIT, Point, chart_value, charted
from app.pace import Pace


def test_a_tick_costs_infinity_until_an_epoch_is_measured_and_at_max():
    pace = Pace()
    assert pace.tick_cost(5) == math.inf
    pace.epochs_took(0.02, 10)
    assert pace.tick_cost(5) == pytest.approx(0.01)
    assert pace.tick_cost("max") == math.inf


def test_the_epochs_cost_is_a_running_average_forgotten_with_the_network():
    pace = Pace()
    pace.epochs_took(1.0, 1)
    pace.epochs_took(2.0, 1)
    assert pace.epoch_s == pytest.approx(0.7 * 1.0 + 0.3 * 2.0)
    pace.new_network()
    assert pace.epoch_s == 0.0


def test_a_new_connection_forgets_frames_and_lag_but_not_epochs():
    pace = Pace()
    pace.epochs_took(1.0, 1)
    pace.woke(1.0)
    pace.timed_frame(lambda: b"frame")
    assert pace.lag == pytest.approx(0.2)
    pace.new_connection()
    assert (pace.frame_s, pace.lag, pace.epoch_s) == (0.0, 0.0, 1.0)


def test_patience_is_two_intervals_since_the_frame_and_four_lags():
    pace = Pace()
    pace.woke(0.5)  # lag 0.1
    assert pace.patience(0.1, 0.05) == pytest.approx(2 * 0.1 + 4 * 0.1 - 0.05)


def test_the_chart_keeps_one_point_per_epoch_and_thins_evenly_past_its_limit():
    history = charted([(1, 0.5, 0.6)], (1, 0.4, 0.5))
    assert history == [(1, 0.4, 0.5)]
    full: list[Point] = [(k, 0.1, 0.1) for k in range(HISTORY_LIMIT)]
    thinned = charted(full, (HISTORY_LIMIT, 0.1, 0.1))
    assert [p[0] for p in thinned] == list(range(0, HISTORY_LIMIT + 1, 2))


def test_the_chart_keeps_four_significant_digits_of_each_loss():
    assert chart_value(0.123456789) == 0.1235
    assert chart_value(1.5e-7) == 1.5e-7
    assert chart_value(None) is None
