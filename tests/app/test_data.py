"""A session's data: its training and test sets cannot be written into, so the network checks
them once (engine/checks.Checked)."""

import numpy as np
import pytest

from app.config import Config
from app.data import build
from app.settings import Settings
from engine.checks import frozen


def test_the_training_and_test_sets_are_frozen():
    data = build(Config(seed="0.5"), Settings(), None)
    for array in (data.X_train, data.Y_train, data.X_test, data.Y_test):
        assert frozen(array)
    with pytest.raises(ValueError, match="read-only"):
        data.X_train[0, 0] = 1.0
    assert np.isfinite(data.X_train).all()
