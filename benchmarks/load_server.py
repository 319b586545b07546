"""benchmarks/load.py's server: started as `make run` does, on a free port, its worker
processes read from /proc."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import harness

HOST = "127.0.0.1"  # loopback only
WORKERS = 2
MAX_SESSIONS = 1000  # per worker: far above what the scenarios open
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class ServerError(Exception):
    """The server did not start, or would not stop."""


# -- the server's processes, from /proc ---------------------------------------------------------
def proc_stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields after the command name: [state, ppid, …]."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(proc_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue  # it ended while we looked
    return sorted(found)


def is_worker(pid: int) -> bool:
    """A uvicorn worker, not multiprocessing's resource tracker."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def status_kb(pid: int, name: str) -> int:
    """A /proc/<pid>/status figure in kB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise ServerError(f"/proc/{pid}/status has no {name}")


def cpu_seconds(pid: int) -> float:
    fields = proc_stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def socket_count(pid: int) -> int:
    """Open sockets: the listening one, and one per connection."""
    return len(socket_inodes(pid))


def server_inodes(port: int) -> dict[int, int]:
    """The server's end of each loopback TCP connection to `port`: client port → socket inode."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], int(fields[9])
        if int(local.split(":")[1], 16) == port and inode:
            found[int(remote.split(":")[1], 16)] = inode
    return found


def workers_of(server: "Server", client_ports: Sequence[int]) -> list[int | None]:
    """The worker (pid) that accepted each client's connection; None where it cannot be told."""
    by_port = server_inodes(server.port)
    owners = {inode: pid for pid in server.workers for inode in socket_inodes(pid)}
    return [owners.get(by_port.get(port, 0)) for port in client_ports]


# -- starting and stopping the server ------------------------------------------------------------
@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    workers: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}/ws"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def wait_ready(server: Server) -> None:
    """Until /healthz answers and every worker has finished its startup."""

    def started() -> bool:
        log = server.log.read_text(errors="replace")
        if log.count("Application startup complete") < WORKERS:
            return False
        server.workers = [pid for pid in children(server.process.pid) if is_worker(pid)]
        return len(server.workers) == WORKERS

    try:
        harness.wait_healthy(
            server.process, f"http://{HOST}:{server.port}", STARTUP_TIMEOUT_S, started
        )
    except harness.ServerStartError as error:
        raise ServerError(f"{error}:\n{server.log_tail()}") from None


def start_server(log: Path) -> Server:
    port = harness.free_port(HOST)
    command = [sys.executable, "-m", "app.serve", "--host", HOST]
    command += ["--port", str(port), "--workers", str(WORKERS)]
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "LERNMI_MAX_SESSIONS": str(MAX_SESSIONS),
        # Every client here comes from 127.0.0.1: lift the per-address connection limit.
        "LERNMI_CONNECTIONS_PER_ADDRESS": str(10 * MAX_SESSIONS),
    }
    return Server(harness.launch(command, env, log), port, log)


def stop_server(server: Server) -> None:
    """Terminate uvicorn and wait for it; a worker left behind is killed by its pid."""
    server.process.terminate()
    try:
        server.process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"note: uvicorn did not stop in {STOP_TIMEOUT_S:g} s of SIGTERM; killing it")
        server.process.kill()
        server.process.wait()
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in server.workers):
        time.sleep(0.1)
    for pid in server.workers:
        if Path(f"/proc/{pid}").exists():
            print(f"note: worker {pid} outlived uvicorn; killing it")
            os.kill(pid, signal.SIGKILL)


@contextmanager
def running_server(directory: Path, name: str) -> Iterator[Server]:
    server = start_server(directory / f"{name}.log")
    try:
        wait_ready(server)
        yield server
    finally:
        stop_server(server)
