"""How fast the engine trains and draws, against our targets and TF Playground's own figures.

What it measures, on 250 training points of `circle` (500 generated, split 50 %), batch size 10,
learning rate 0.03, seed 0, for two networks: "default" (features x, y; hidden [4, 2]) and
"largest" (all seven TF features; six hidden layers of 8):

* epoch: one `Network.train_epoch` over the 250 points, in ms (compiled, engine/kernel.py);
* numpy epoch: the same with `net.compiled = False` (the numpy path), and the compiled
  epoch's speed-up over it;
* grid: `Network.evaluate` on the 100×100 heatmap grid (its features computed once, untimed);
* scalar epoch: the same epoch through the scalar reference, `engine.explain.trace` per sample,
  each batch's mean sensitivities applied through the Link and Neuron setters; and the speed-up
  of the vectorized epoch over it;
* epoch + grid, against TF Playground's ~4.6 ms (default) and ~33 ms (largest) per epoch plus grid;
* epoch and grid again with OPENBLAS_NUM_THREADS=1 and =2, each in a subprocess of its own
  (OpenBLAS reads the variable when numpy loads).

Each figure is the median over several repeats of a timed loop (time.perf_counter, after a
warm-up, with the garbage collector paused as timeit does). Nothing is written to disk.

Run it from the project root with one BLAS thread, as the figures in the docs are:

    make bench
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.engine
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.engine --quick   # a smoke test, < 10 s

Always as a module (-m): `python benchmarks/engine.py` would put benchmarks/ first on the path,
and `import engine` would then find this file instead of the engine package.
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from benchmarks import blas, scalar
from benchmarks.tables import table
from engine import Network, datasets, features

Array = NDArray[np.float64]

DATASET = "circle"
N_POINTS = 500
NOISE = 0.0  # TF Playground's default
TRAIN_FRACTION = 0.5
BATCH_SIZE = 10
LEARNING_RATE = 0.03
SEED = 0
GRID_DENSITY = 100
THREAD_COUNTS = (1, 2)
ALL_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")


@dataclass(frozen=True)
class NetSpec:
    """One benchmarked network, with the targets its figures are held to."""

    name: str
    features: tuple[str, ...]
    hidden: tuple[int, ...]
    epoch_target_ms: float
    grid_target_ms: float
    tf_ms: float  # TF Playground's own epoch plus grid

    @property
    def layer_sizes(self) -> list[int]:
        return [len(self.features), *self.hidden, 1]


SPECS = (
    NetSpec("default", ("x", "y"), (4, 2), 1.0, 0.5, 4.6),
    NetSpec("largest", ALL_FEATURES, (8,) * 6, 2.0, 3.0, 33.0),
)


@dataclass(frozen=True)
class Plan:
    """How many repeats of how many calls each figure takes."""

    repeats: int
    epochs: int  # train_epoch calls per repeat
    grids: int  # evaluate calls per repeat
    scalar_ms: float  # time each repeat of the scalar reference should take, at least one epoch
    warmup: int  # untimed calls before the vectorized loops


FULL = Plan(repeats=15, epochs=40, grids=20, scalar_ms=150.0, warmup=20)
QUICK = Plan(repeats=3, epochs=5, grids=3, scalar_ms=0.0, warmup=3)


@dataclass(frozen=True)
class Timing:
    """Milliseconds per call: the median over the repeats, and their spread."""

    median: float
    low: float
    high: float


@dataclass(frozen=True)
class Inputs:
    """One network's training inputs and grid inputs, features already applied."""

    X: Array
    Y: Array
    grid: Array


@dataclass(frozen=True)
class NetResult:
    spec: NetSpec
    epoch: Timing
    numpy_epoch: Timing
    grid: Timing
    scalar: Timing
    reference_gap: float  # max |param difference| of one epoch, scalar reference vs train_epoch


# -- data and networks ----------------------------------------------------------------------------
def training_points() -> tuple[Array, Array]:
    points, labels = datasets.generate(DATASET, N_POINTS, NOISE, SEED)
    train_points, train_labels, _, _ = datasets.split(points, labels, TRAIN_FRACTION, SEED)
    return train_points, train_labels.astype(np.float64)


def inputs_for(spec: NetSpec, points: Array, labels: Array, grid_points: Array) -> Inputs:
    names = list(spec.features)
    return Inputs(features.transform(points, names), labels, features.transform(grid_points, names))


def build(spec: NetSpec) -> Network:
    return Network(spec.layer_sizes, seed=SEED, input_names=spec.features)


# -- timing ---------------------------------------------------------------------------------------
@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def timed(fn: Callable[[], object], calls: int, repeats: int, warmup: int = 0) -> Timing:
    """ms per call of fn: `repeats` loops of `calls` calls each, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    samples = []
    with gc_paused():
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples.append((time.perf_counter() - start) * 1000.0 / calls)
    return Timing(statistics.median(samples), min(samples), max(samples))


def time_epoch(spec: NetSpec, data: Inputs, plan: Plan, compiled: bool = True) -> Timing:
    net = build(spec)
    net.compiled = compiled

    def epoch() -> float:
        return net.train_epoch(data.X, data.Y, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE)

    return timed(epoch, plan.epochs, plan.repeats, plan.warmup)


def time_grid(spec: NetSpec, data: Inputs, plan: Plan) -> Timing:
    net = build(spec)
    return timed(lambda: net.evaluate(data.grid), plan.grids, plan.repeats, plan.warmup)


# -- the scalar reference -------------------------------------------------------------------------
def check_alignment(net: Network, data: Inputs) -> None:
    """net.links / net.neurons are in the order the trace lists its links and neurons."""
    steps = scalar.trace_steps(net, data.X[0].tolist(), float(data.Y[0]), LEARNING_RATE)
    link_ids = [link.id for step in steps for link in step.links_in]
    if [n.id for n in net.neurons] != [s.id for s in steps]:
        raise RuntimeError("net.neurons is not in the trace's neuron order")
    if [link.id for link in net.links] != link_ids:
        raise RuntimeError("net.links is not in the trace's link order")


def reference_gap(spec: NetSpec, data: Inputs) -> float:
    """Max |param difference| after one unshuffled epoch: scalar reference vs train_epoch."""
    vectorized, scalar_net = build(spec), build(spec)
    check_alignment(scalar_net, data)
    vectorized.train_epoch(data.X, data.Y, BATCH_SIZE, LEARNING_RATE, shuffle=False)
    scalar.epoch(
        scalar_net, data.X.tolist(), data.Y.tolist(), range(len(data.X)), BATCH_SIZE, LEARNING_RATE
    )
    return max(
        float(np.abs(a.params - b.params).max())
        for a, b in zip(vectorized.layers, scalar_net.layers, strict=True)
    )


def time_scalar(spec: NetSpec, data: Inputs, plan: Plan) -> Timing:
    net = build(spec)
    rows, labels = data.X.tolist(), data.Y.tolist()
    rng = np.random.default_rng(SEED)  # reshuffled every epoch, as train_epoch does

    def epoch() -> None:
        scalar.epoch(
            net, rows, labels, rng.permutation(len(rows)).tolist(), BATCH_SIZE, LEARNING_RATE
        )

    start = time.perf_counter()
    epoch()  # the warm-up, which also tells how many epochs fill plan.scalar_ms
    calls = max(1, round(plan.scalar_ms / ((time.perf_counter() - start) * 1000.0)))
    return timed(epoch, calls, plan.repeats)


def measure_network(spec: NetSpec, data: Inputs, plan: Plan) -> NetResult:
    return NetResult(
        spec,
        epoch=time_epoch(spec, data, plan),
        numpy_epoch=time_epoch(spec, data, plan, compiled=False),
        grid=time_grid(spec, data, plan),
        scalar=time_scalar(spec, data, plan),
        reference_gap=reference_gap(spec, data),
    )


def all_inputs() -> dict[str, Inputs]:
    points, labels = training_points()
    grid_points = features.grid(GRID_DENSITY)
    return {spec.name: inputs_for(spec, points, labels, grid_points) for spec in SPECS}


# -- printing -------------------------------------------------------------------------------------
def ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def spread(t: Timing) -> str:
    return f"{ms(t.low)}–{ms(t.high)}"


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "missed"


def against_tf(total: float, tf_ms: float) -> str:
    if total <= tf_ms:
        return f"met: ×{tf_ms / total:.1f} faster than TF"
    return f"missed: ×{total / tf_ms:.1f} slower than TF"


def target_row(name: str, figure: str, t: Timing, target_ms: float) -> list[str]:
    return [name, figure, ms(t.median), spread(t), f"≤ {target_ms:g}", verdict(t.median, target_ms)]


def result_rows(r: NetResult) -> list[list[str]]:
    s = r.spec
    total = r.epoch.median + r.grid.median
    grid = f"grid (evaluate {GRID_DENSITY}×{GRID_DENSITY})"
    speed_up = f"speed-up ×{r.scalar.median / r.epoch.median:.0f}"
    compiled = f"compiled ×{r.numpy_epoch.median / r.epoch.median:.1f} faster"
    return [
        target_row(s.name, "epoch (train_epoch)", r.epoch, s.epoch_target_ms),
        [
            s.name,
            "epoch (numpy path)",
            ms(r.numpy_epoch.median),
            spread(r.numpy_epoch),
            "",
            compiled,
        ],
        target_row(s.name, grid, r.grid, s.grid_target_ms),
        [s.name, "epoch + grid", ms(total), "", f"TF ~{s.tf_ms:g}", against_tf(total, s.tf_ms)],
        [s.name, "epoch (scalar trace)", ms(r.scalar.median), spread(r.scalar), "", speed_up],
    ]


def print_results(results: Sequence[NetResult], plan: Plan) -> None:
    rows = [row for r in results for row in result_rows(r)]
    scalar = f"scalar epochs filling ~{plan.scalar_ms:g} ms" if plan.scalar_ms else "1 scalar epoch"
    print(
        f"\nMedians in ms per call: {plan.repeats} repeats of {plan.epochs} epochs,"
        f" {plan.grids} grids, or {scalar} each"
    )
    header = ["network", "figure", "median ms", "range ms", "target ms", "result"]
    print(table(header, rows, right=(2, 3)))
    for r in results:
        print(
            f"{r.spec.name}: the scalar reference's epoch matches train_epoch's"
            f" (unshuffled, same start) to max |Δparam| = {r.reference_gap:.1e}"
        )


def print_environment(plan: Plan) -> None:
    print("Lernmi Playground engine benchmark" + (" (--quick)" if plan is QUICK else ""))
    print(table(["environment", "value"], blas.environment_rows()))
    print(
        f"\nData: {DATASET}, {N_POINTS} points, noise {NOISE:g}, {TRAIN_FRACTION:.0%} train"
        f" → {round(N_POINTS * TRAIN_FRACTION)} points; batch {BATCH_SIZE},"
        f" learning rate {LEARNING_RATE:g}, seed {SEED}"
    )
    for spec in SPECS:
        print(f"  {spec.name}: layer sizes {spec.layer_sizes}, features {', '.join(spec.features)}")
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print(
            "Note: the documented figures use one BLAS thread: OPENBLAS_NUM_THREADS=1 (make bench)"
        )


# -- BLAS threads, one subprocess per count -------------------------------------------------------
def child_figures(plan: Plan) -> dict[str, dict[str, float]]:
    inputs = all_inputs()
    return {
        spec.name: {
            "epoch": time_epoch(spec, inputs[spec.name], plan).median,
            "grid": time_grid(spec, inputs[spec.name], plan).median,
        }
        for spec in SPECS
    }


def thread_rows(children: dict[int, dict[str, Any]]) -> list[list[str]]:
    first, *others = THREAD_COUNTS
    rows = []
    for spec in SPECS:
        for figure in ("epoch", "grid"):
            base = children[first]["figures"][spec.name][figure]
            row = [spec.name, figure, ms(base)]
            for n in others:
                value = children[n]["figures"][spec.name][figure]
                row += [ms(value), f"×{base / value:.2f}"]
            rows.append(row)
    return rows


def print_threads(quick: bool) -> None:
    children = {n: blas.run_child("benchmarks.engine", n, quick) for n in THREAD_COUNTS}
    first, *others = THREAD_COUNTS
    header = ["network", "figure", f"{first} thread ms"]
    for n in others:
        header += [f"{n} threads ms", f"speed-up {n} vs {first}"]
    print("\nBLAS threads: OPENBLAS_NUM_THREADS set per subprocess (medians)")
    print(table(header, thread_rows(children), right=tuple(range(2, len(header)))))
    in_use = ", ".join(f"{n} → {children[n]['threads_in_use']}" for n in THREAD_COUNTS)
    print(f"threads OpenBLAS reported in use (requested → in use): {in_use}")


# -- entry point ----------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.engine",
        description="Time the engine's epoch, heatmap grid and scalar reference; print a table.",
    )
    parser.add_argument("--quick", action="store_true", help="far fewer repeats: a smoke test")
    parser.add_argument("--threads-child", type=int, metavar="N", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.threads_child is not None:
        figures = child_figures(plan)
        threads, _ = blas.blas_runtime()
        json.dump({"threads_in_use": threads, "figures": figures}, sys.stdout)
        return 0
    started = time.perf_counter()
    print_environment(plan)
    inputs = all_inputs()
    print_results([measure_network(spec, inputs[spec.name], plan) for spec in SPECS], plan)
    print_threads(args.quick)
    print(f"\nTotal run time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
