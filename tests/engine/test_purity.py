"""engine/ imports numpy, numba (its compiled epoch) and the standard library only."""

import subprocess
import sys


def top_level_modules(imports: str) -> set[str]:
    """The top-level modules a fresh interpreter has loaded after `imports`."""
    code = f"import sys, {imports}; print('\\n'.join({{m.split('.')[0] for m in sys.modules}}))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return {name for name in loaded if not name.startswith("_")}


def test_importing_the_engine_loads_only_numpy_numba_and_the_standard_library():
    # whatever numba loads itself (llvmlite; its config reader) is the compiler's, not ours
    allowed = set(sys.stdlib_module_names) | top_level_modules("numba") | {"engine"}
    loaded = top_level_modules("engine")
    assert loaded <= allowed
    assert {"numpy", "numba"} <= loaded
    assert not {"fastapi", "starlette", "uvicorn", "app"} & loaded
