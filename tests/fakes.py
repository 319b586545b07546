"""A feature and an activation the registries do not have, added the one way a developer would
(an entry in engine/features.py's or engine/activations.py's registry): the page must follow."""

import numpy as np
import pytest

from engine import activations, features
from engine.activations import Activation

CUBE = features.Feature("xCubed", "X₁³", "x * x * x", (-216, 216))


def _softsign(z: activations.Array, out: activations.Array) -> None:
    np.divide(z, 1 + np.abs(z), out=out)


def _softsign_der(a: activations.Array, out: activations.Array) -> None:
    np.square(1 - np.abs(a), out=out)  # d/dz z/(1+|z|) = 1/(1+|z|)² = (1 − |o|)²


SOFTSIGN = Activation(
    "softsign",
    "Softsign",
    "z / (1 + abs(z))",
    _softsign,
    _softsign_der,
    lambda z: z / (1 + abs(z)),
    lambda a: (1 - abs(a)) ** 2,
    "(1 − |o|)²",
)


def add_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register CUBE and SOFTSIGN for the length of a test."""
    monkeypatch.setitem(features.FEATURES, CUBE.name, CUBE)
    monkeypatch.setitem(activations.ACTIVATIONS, SOFTSIGN.name, SOFTSIGN)
