"""The essay at /learn (app/routes/learn.py): backpropagation told in short chapters, each with
live networks.

Every figure is an iframe of `/embed` whose hash configures it for its chapter's point (the same
hash keys a blogger uses, README's Embedding), and under it the snippet that embeds it anywhere.
"""

import html
from dataclasses import dataclass

from engine.features import FEATURES


def only(*features: str) -> str:
    """Hash keys that make these the network's input features, and no other (TF's NAME_hide
    keys take the others away)."""
    return "".join(
        f"&{name}=true" if name in features else f"&{name}_hide=true" for name in FEATURES
    )


@dataclass(frozen=True)
class Figure:
    """One live network of the essay: its iframe and what its text says it starts as."""

    name: str  # the anchor, unique on the page
    title: str  # the iframe's title: what a screen reader announces
    hash: str  # the embed's configuration
    describes: str  # what the embed's network says of itself (its aria-label) at the start
    width: int = 700
    height: int = 450

    def src(self, base: str) -> str:
        return f"{base}/embed#{self.hash}"

    def snippet(self, base: str) -> str:
        """The one line a blogger pastes: this network, in their post."""
        return (
            f'<iframe src="{html.escape(self.src(base))}" width="{self.width}" '
            f'height="{self.height}" title="{html.escape(self.title)}" style="border:0" '
            f'loading="lazy"></iframe>'
        )


X = only("x")
XY = only("x", "y")
OVERFITS = "dataset=xor&noise=50&percTrainData=10&networkShape=8,8&learningRate=0.3&seed=0.5"
FIGURES = {
    "one-neuron": Figure(
        "one-neuron",
        "One link into one neuron: sliders for its weight and its bias",
        f"dataset=gauss&networkShape=&seed=0.1&sliders=true{X}",
        "inputs x; no hidden layer; 1 output neuron",
    ),
    "two-links": Figure(
        "two-links",
        "Two links into one neuron: sliders for both weights and the bias",
        f"dataset=gauss&networkShape=&seed=0.2&sliders=true{XY}",
        "inputs x, y; no hidden layer; 1 output neuron",
    ),
    "too-small": Figure(
        "too-small",
        "A single neuron on the circle data: too small a network",
        f"dataset=circle&networkShape=&seed=0.3{XY}",
        "inputs x, y; no hidden layer; 1 output neuron",
        440,
        420,
    ),
    "big-enough": Figure(
        "big-enough",
        "Three hidden neurons on the circle data: big enough",
        f"dataset=circle&networkShape=3&seed=0.3{XY}",
        "inputs x, y; hidden layers of 3 neurons; 1 output neuron",
        440,
        420,
    ),
    "one-at-a-time": Figure(
        "one-at-a-time",
        "Nudged after every single point: batch size 1, with the loss chart",
        f"dataset=xor&networkShape=4&batchSize=1&learningRate=0.03&seed=0.4&chart=true{XY}",
        "inputs x, y; hidden layers of 4 neurons; 1 output neuron",
        440,
        480,
    ),
    "thirty-at-a-time": Figure(
        "thirty-at-a-time",
        "Nudged after every thirty points: batch size 30, with the loss chart",
        f"dataset=xor&networkShape=4&batchSize=30&learningRate=0.03&seed=0.4&chart=true{XY}",
        "inputs x, y; hidden layers of 4 neurons; 1 output neuron",
        440,
        480,
    ),
    "explain": Figure(
        "explain",
        "Explain one point on a network of two inputs, two hidden neurons and one output",
        f"dataset=xor&networkShape=2&seed=0.3&explain=true{XY}",
        "inputs x, y; hidden layers of 2 neurons; 1 output neuron",
        900,
        560,
    ),
    "blame": Figure(
        "blame",
        "The sensitivity view of a spiral network while it learns",
        "dataset=spiral&networkShape=6,6,4&learningRate=0.03&seed=0.6&sensitivity=true"
        + only("x", "y", "sinX", "sinY"),
        "inputs x, y, sinX, sinY; hidden layers of 6, 6, 4 neurons; 1 output neuron",
    ),
    "memorizing": Figure(
        "memorizing",
        "Fifty noisy training points and a big network: the test loss climbs while the"
        " training loss falls",
        f"{OVERFITS}&chart=true{XY}",
        "inputs x, y; hidden layers of 8, 8 neurons; 1 output neuron",
        700,
        560,
    ),
    "rescued": Figure(
        "rescued",
        "The same network with L1 regularization and early stopping after 50 epochs",
        f"{OVERFITS}&regularization=L1&regularizationRate=0.01&earlyStopping=50&chart=true{XY}",
        "inputs x, y; hidden layers of 8, 8 neurons; 1 output neuron",
        700,
        560,
    ),
    "regression": Figure(
        "regression",
        "Regression: a network learning a surface of values, not two classes",
        f"problem=regression&regDataset=reg-gauss&networkShape=6,4&seed=0.7{XY}",
        "inputs x, y; hidden layers of 6, 4 neurons; 1 output neuron",
    ),
}
