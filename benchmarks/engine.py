"""How fast the engine trains and draws, against our targets and TF Playground's own figures.

What it measures, on 250 training points of `circle` (500 generated, split 50 %), batch size 10,
learning rate 0.03, seed 0, for two networks: "default" (features x, y; hidden [4, 2]) and
"largest" (all seven TF features; six hidden layers of 8):

* epoch: one `Network.train_epoch` over the 250 points, in ms;
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
import ctypes
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine import Network, datasets, explain, features
from engine.explain import NeuronStep

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
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS")
CHILD_TIMEOUT_S = 120
ROOT = Path(__file__).resolve().parent.parent  # where `-m benchmarks.engine` resolves
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
    grid: Timing
    scalar: Timing
    reference_gap: float  # max |param difference| of one epoch, scalar reference vs train_epoch


# -- the environment ------------------------------------------------------------------------------
def blas_build() -> str:
    """The BLAS numpy was built against, from np.show_config's build dependencies."""
    try:
        config: Any = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas['name']} {blas['version']}"
    except (TypeError, KeyError, AttributeError, ValueError):
        return "unknown (np.show_config gave no build dependencies)"


def _openblas_library() -> ctypes.CDLL | None:
    """The OpenBLAS numpy has loaded into this process, if it can be found (Linux only)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    paths = {line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower()}
    for path in sorted(paths):
        if path.startswith("/"):
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    return None


def _openblas_call(lib: ctypes.CDLL, name: str, restype: Any) -> Any:
    """Calls the first of the builds' spellings of openblas_<name> that `lib` exports."""
    for symbol in (f"scipy_openblas_{name}64_", f"openblas_{name}64_", f"openblas_{name}"):
        fn = getattr(lib, symbol, None)
        if fn is not None:
            fn.restype = restype
            return fn()
    return None


def blas_runtime() -> tuple[int | None, str | None]:
    """(threads, core) OpenBLAS is using in this process; None where it cannot be asked."""
    lib = _openblas_library()
    if lib is None:
        return None, None
    threads = _openblas_call(lib, "get_num_threads", ctypes.c_int)
    core = _openblas_call(lib, "get_corename", ctypes.c_char_p)
    return (
        threads if isinstance(threads, int) else None,
        core.decode() if isinstance(core, bytes) else None,
    )


def environment_rows() -> list[list[str]]:
    threads, core = blas_runtime()
    rows = [
        ["Python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["numpy", np.__version__],
        ["BLAS (build)", blas_build()],
        ["BLAS threads in use", "unknown" if threads is None else str(threads)],
        ["BLAS core in use", core or "unknown"],
    ]
    rows += [[name, os.environ.get(name, "(unset)")] for name in THREAD_ENV]
    rows.append(["os.cpu_count()", str(os.cpu_count())])
    rows.append(["machine", f"{platform.system()} {platform.machine()}"])
    return rows


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


def time_epoch(spec: NetSpec, data: Inputs, plan: Plan) -> Timing:
    net = build(spec)

    def epoch() -> float:
        return net.train_epoch(data.X, data.Y, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE)

    return timed(epoch, plan.epochs, plan.repeats, plan.warmup)


def time_grid(spec: NetSpec, data: Inputs, plan: Plan) -> Timing:
    net = build(spec)
    return timed(lambda: net.evaluate(data.grid), plan.grids, plan.repeats, plan.warmup)


# -- the scalar reference -------------------------------------------------------------------------
def trace_steps(net: Network, x: list[float], y: float) -> list[NeuronStep]:
    """One sample's trace, its neurons flattened layer by layer (the order of net.neurons)."""
    return [step for layer in explain.trace(net, x, y, LEARNING_RATE).layers for step in layer]


def batch_sensitivities(
    net: Network, rows: list[list[float]], labels: list[float], batch: Sequence[int]
) -> tuple[list[float], list[float]]:
    """Each link's and each neuron's sensitivity summed over the batch, in trace order."""
    link_sums: list[float] = []
    neuron_sums: list[float] = []
    for k in batch:
        steps = trace_steps(net, rows[k], labels[k])
        neurons = [step.sensitivity for step in steps]
        links = [link.sensitivity for step in steps for link in step.links_in]
        if not link_sums:
            link_sums, neuron_sums = links, neurons
            continue
        link_sums = [a + b for a, b in zip(link_sums, links, strict=True)]
        neuron_sums = [a + b for a, b in zip(neuron_sums, neurons, strict=True)]
    return link_sums, neuron_sums


def scalar_epoch(
    net: Network, rows: list[list[float]], labels: list[float], order: Sequence[int]
) -> None:
    """One epoch in mini-batches, each sample through explain.trace, each step via the setters."""
    links, neurons = net.links, net.neurons
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start : start + BATCH_SIZE]
        link_sums, neuron_sums = batch_sensitivities(net, rows, labels, batch)
        scale = LEARNING_RATE / len(batch)  # w −= lr × the batch's mean sensitivity
        for link, total in zip(links, link_sums, strict=True):
            link.weight = link.weight - scale * total
        for neuron, total in zip(neurons, neuron_sums, strict=True):
            neuron.bias = neuron.bias - scale * total


def check_alignment(net: Network, data: Inputs) -> None:
    """net.links / net.neurons are in the order the trace lists its links and neurons."""
    steps = trace_steps(net, data.X[0].tolist(), float(data.Y[0]))
    link_ids = [link.id for step in steps for link in step.links_in]
    if [n.id for n in net.neurons] != [s.id for s in steps]:
        raise RuntimeError("net.neurons is not in the trace's neuron order")
    if [link.id for link in net.links] != link_ids:
        raise RuntimeError("net.links is not in the trace's link order")


def reference_gap(spec: NetSpec, data: Inputs) -> float:
    """Max |param difference| after one unshuffled epoch: scalar reference vs train_epoch."""
    vectorized, scalar = build(spec), build(spec)
    check_alignment(scalar, data)
    vectorized.train_epoch(data.X, data.Y, BATCH_SIZE, LEARNING_RATE, shuffle=False)
    scalar_epoch(scalar, data.X.tolist(), data.Y.tolist(), range(len(data.X)))
    return max(
        float(np.abs(a.params - b.params).max())
        for a, b in zip(vectorized.layers, scalar.layers, strict=True)
    )


def time_scalar(spec: NetSpec, data: Inputs, plan: Plan) -> Timing:
    net = build(spec)
    rows, labels = data.X.tolist(), data.Y.tolist()
    rng = np.random.default_rng(SEED)  # reshuffled every epoch, as train_epoch does

    def epoch() -> None:
        scalar_epoch(net, rows, labels, rng.permutation(len(rows)).tolist())

    start = time.perf_counter()
    epoch()  # the warm-up, which also tells how many epochs fill plan.scalar_ms
    calls = max(1, round(plan.scalar_ms / ((time.perf_counter() - start) * 1000.0)))
    return timed(epoch, calls, plan.repeats)


def measure_network(spec: NetSpec, data: Inputs, plan: Plan) -> NetResult:
    return NetResult(
        spec,
        epoch=time_epoch(spec, data, plan),
        grid=time_grid(spec, data, plan),
        scalar=time_scalar(spec, data, plan),
        reference_gap=reference_gap(spec, data),
    )


def all_inputs() -> dict[str, Inputs]:
    points, labels = training_points()
    grid_points = features.grid(GRID_DENSITY)
    return {spec.name: inputs_for(spec, points, labels, grid_points) for spec in SPECS}


# -- printing -------------------------------------------------------------------------------------
def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """An aligned plain-text table; the columns numbered in `right` are right-aligned."""
    cells = [list(header), *(list(row) for row in rows)]
    widths = [max(len(row[c]) for row in cells) for c in range(len(header))]

    def line(row: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if c in right else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


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
    return [
        target_row(s.name, "epoch (train_epoch)", r.epoch, s.epoch_target_ms),
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
    print(table(["environment", "value"], environment_rows()))
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


def run_child(threads: int, quick: bool) -> dict[str, Any]:
    """Runs this script with OPENBLAS_NUM_THREADS=threads; returns the JSON it prints."""
    command = [sys.executable, "-m", "benchmarks.engine", "--threads-child", str(threads)]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads)}
    try:
        done = subprocess.run(
            [*command, *(["--quick"] if quick else [])],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"the {threads}-thread run failed:\n{error.stderr}") from error
    result: dict[str, Any] = json.loads(done.stdout)
    return result


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
    children = {n: run_child(n, quick) for n in THREAD_COUNTS}
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
        threads, _ = blas_runtime()
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
