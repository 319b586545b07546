"""engine/ imports numpy and the standard library only."""

import subprocess
import sys


def test_importing_the_engine_loads_only_numpy_and_the_standard_library():
    code = "import sys, engine; print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    # cython_runtime is numpy's own (its compiled modules register it)
    allowed = set(sys.stdlib_module_names) | {"numpy", "engine", "cython_runtime"}
    assert {name for name in loaded if not name.startswith("_")} <= allowed
    assert "numpy" in loaded
