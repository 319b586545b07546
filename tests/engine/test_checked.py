"""A network checks the data it is given once when the arrays cannot change (read-only all the
way down), and every time when they can."""

import numpy as np
import pytest

from engine.checks import frozen
from engine.network import Network


def read_only(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.flags.writeable = False
    return a


def test_only_arrays_nothing_can_write_into_are_frozen():
    a = np.arange(6.0)
    assert not frozen(a)
    assert frozen(read_only(a))
    view = a[:3]
    view.flags.writeable = False  # a read-only view of memory that can still change
    assert not frozen(view)
    assert frozen(read_only(a)[:3])
    assert not frozen([1.0, 2.0])


def test_writable_data_is_checked_again_and_its_changes_are_seen():
    net = Network([2, 3, 1], seed=1)
    X, Y = np.array([[0.5, -0.5], [1.0, 2.0]]), np.array([1.0, -1.0])
    before = net.score(X, Y)[0]
    X[0, 0] = 3.0
    assert net.score(X, Y)[0] != before
    X[1, 1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        net.score(X, Y)


def test_frozen_data_scores_and_trains_as_writable_data_does():
    rng = np.random.default_rng(3)
    X, Y = rng.uniform(-1, 1, (40, 2)), np.where(rng.uniform(-1, 1, 40) > 0, 1.0, -1.0)
    a, b = Network([2, 4, 1], seed=2), Network([2, 4, 1], seed=2)
    Xf, Yf = read_only(X), read_only(Y)
    for _ in range(3):
        assert a.train_epoch(Xf, Yf) == b.train_epoch(X, Y)
        assert a.score(Xf, Yf)[0] == b.score(X, Y)[0]
    np.testing.assert_array_equal(a.parameters.values, b.parameters.values)
