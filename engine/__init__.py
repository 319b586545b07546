"""Lernmi Playground's engine: Neurons and Links that show their sensitivities, on numpy.

Imports numpy and the standard library only; never prints, never does I/O.
"""

from engine import datasets, explain, features
from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.losses import LOSSES
from engine.network import Network
from engine.nodes import Input, Layer, Link, Neuron
from engine.optimizers import OPTIMIZERS
from engine.regularizers import REGULARIZERS

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "REGULARIZERS",
    "Input",
    "Layer",
    "Link",
    "Network",
    "Neuron",
    "datasets",
    "explain",
    "features",
]
