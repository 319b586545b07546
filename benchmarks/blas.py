"""The BLAS under numpy: what it was built with, what it runs with, and a run of a benchmark in a
subprocess with a given number of BLAS threads."""

import ctypes
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS")
CHILD_TIMEOUT_S = 120
ROOT = Path(__file__).resolve().parent.parent  # where `-m benchmarks.…` resolves


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


def run_child(module: str, threads: int, quick: bool) -> dict[str, Any]:
    """Runs `python -m module --threads-child threads` with OPENBLAS_NUM_THREADS=threads;
    returns the JSON it prints."""
    command = [sys.executable, "-m", module, "--threads-child", str(threads)]
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
