"""Query jobs run in worker processes, so that a timeout really stops the work.

pyoxigraph cannot interrupt a running query from another thread, so queries never run in the
web server's process. The design:

- ``Executor`` (in the server) starts one *zygote*: a fresh ``python -m plankg.kb.workers``
  process that opens the build's store read-only and then does nothing but ``fork()`` query
  workers on request. It is single-threaded, so forking it is safe (forking a threaded web server
  is not); the workers share the store's files through the page cache, so memory does not grow
  with their number, and a new worker is ready in milliseconds.
- A worker reads jobs (pickled :class:`~plankg.kb.engine.Job`) from its socket, runs them on the
  :class:`~plankg.kb.engine.Engine` and sends back a ``Reply`` (status, bytes or rows).
- The server keeps up to QUERY_WORKERS workers. A request borrows an idle one (or waits, at most
  QUERY_TIMEOUT seconds, then 503), sends the job and waits QUERY_TIMEOUT seconds for the reply.
  On timeout it SIGKILLs that worker (the query stops at once, whatever it was doing) and answers
  503; the next request that needs a worker forks a fresh one. Other requests never wait on it.
- Workers and zygote die with their parent (PR_SET_PDEATHSIG) and on EOF of their socket; workers
  refuse outbound sockets and have an address-space limit (WORKER_MEMORY_MB).

Callers check the query text first (:func:`plankg.kb.lexer.inspect_query`): updates and SERVICE
are refused before any engine sees them (pyoxigraph would open a connection for SERVICE).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from plankg.errors import PlanKGError
from plankg.kb import memory
from plankg.kb.engine import Engine, Job, QueryFailed, Reply

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 600.0
RESTART_LIMIT, RESTART_WINDOW = 5, 60   # zygote restarts allowed per window (seconds)


# ---------------------------------------------------------------------------------------------
# Zygote and worker processes
# ---------------------------------------------------------------------------------------------

def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _forbid_outbound() -> None:
    """Make every new outbound socket connection in this process fail (defence in depth)."""
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError("outbound connections are disabled in query workers")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


def _limit_memory(megabytes: int) -> None:
    """Cap this worker's address space at its current size plus ``megabytes``."""
    if megabytes <= 0:
        return
    with contextlib.suppress(Exception):
        import resource

        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = current + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def private_kib() -> int:
    """Memory of this process that no other process shares (KiB), or 0 where /proc cannot say."""
    total = 0
    with contextlib.suppress(OSError, ValueError), open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    return total


TRIM_AFTER_SECONDS = 0.01  # queries this long or longer may have used memory worth giving back


def _worker_main(engine: Engine, sock: socket.socket, settings: Mapping[str, Any]) -> None:
    """Serve jobs from the server until it closes the socket."""
    _die_with_parent()
    _forbid_outbound()
    _limit_memory(int(settings.get("worker_memory_mb", 0)))
    recycle_kib = int(settings.get("worker_recycle_mb", 0)) * 1024
    conn = Connection(sock.detach())
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        reply = engine.run(job)
        if time.perf_counter() - started >= TRIM_AFTER_SECONDS:
            memory.trim()  # without it a worker keeps the peak of every query it ran
            if recycle_kib and private_kib() > recycle_kib:
                reply.retire = True  # the server forks a fresh worker, sharing the zygote's pages
        try:
            conn.send(reply)
        except (OSError, pickle.PicklingError):
            return
        if reply.retire:
            return


def zygote_main(argv: list[str]) -> None:
    """Open the store, report readiness, then fork one worker per request from the server."""
    settings = json.loads(argv[0])
    ctrl = socket.socket(fileno=int(argv[1]))
    _die_with_parent()
    memory.map_large_blocks()  # inherited by the workers: big answers are freed at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    try:
        from plankg.kb.store import open_store

        engine = Engine(open_store(settings["store_path"]))
    except PlanKGError as exc:
        ctrl.send(b"E" + str(exc).encode())
        os._exit(1)
    except Exception as exc:
        ctrl.send(b"E" + f"{type(exc).__name__}: {exc}".encode())
        os._exit(1)
    ctrl.send(b"R")
    while True:
        try:
            msg = ctrl.recv(16)
        except InterruptedError:
            continue
        except OSError:
            break
        if not msg:
            break
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ctrl.close()
            ours.close()
            try:
                _worker_main(engine, theirs, settings)
            finally:
                os._exit(0)
        theirs.close()
        socket.send_fds(ctrl, [struct.pack("!i", pid)], [ours.fileno()])
        ours.close()
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# Server side
# ---------------------------------------------------------------------------------------------

@dataclass
class _Worker:
    """The server's handle on one worker process."""

    pid: int
    conn: Connection


class Executor:
    """Runs jobs on a pool of forked worker processes, with a timeout that kills runaways."""

    def __init__(self, store_path: str, workers: int = 2, timeout: float = 10.0,
                 worker_memory_mb: int = 0, worker_recycle_mb: int = 0) -> None:
        self.timeout = timeout if timeout and timeout > 0 else None
        self.max_workers = max(1, workers)
        self._idle: list[_Worker] = []
        self._live = 0
        self._cond = threading.Condition()
        self._ctrl_lock = threading.Lock()
        self._closed = False
        self.stats = {"timeouts": 0, "spawned": 0, "crashed": 0, "restarts": 0}
        self._restarts: list[float] = []   # when the zygote was restarted (bounded per window)
        self._settings = {"store_path": str(store_path), "worker_memory_mb": worker_memory_mb,
                          "worker_recycle_mb": worker_recycle_mb}
        self._start_zygote()
        for _ in range(self.max_workers):
            self._idle.append(self._spawn())
            self._live += 1

    def _start_zygote(self) -> None:
        """Start the zygote process and wait until it has opened the store."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._ctrl = ours
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "plankg.kb.workers", json.dumps(self._settings), str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        theirs.close()
        self._await_ready()

    def _restart_zygote(self) -> bool:
        """Replace a dead zygote (at most RESTART_LIMIT times per RESTART_WINDOW seconds); logged."""
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < RESTART_WINDOW]
        if len(self._restarts) >= RESTART_LIMIT:
            log.error("the query engine died %d times in %d s; not restarting it again yet",
                      len(self._restarts), RESTART_WINDOW)
            return False
        self._restarts.append(now)
        log.warning("the query engine (zygote pid %d) died with %s; restarting it",
                    self._proc.pid, self._proc.poll())
        with contextlib.suppress(OSError):
            self._ctrl.close()
        try:
            self._start_zygote()
        except PlanKGError as exc:
            log.error("restarting the query engine failed: %s", exc)
            return False
        self.stats["restarts"] += 1
        return True

    @property
    def alive(self) -> bool:
        """Whether the zygote is running (it forks every new worker)."""
        return not self._closed and self._proc.poll() is None

    def _await_ready(self) -> None:
        """Wait until the zygote has opened the store; raise its error if it could not."""
        self._ctrl.settimeout(STARTUP_TIMEOUT)
        try:
            msg = self._ctrl.recv(65536)
        except OSError as exc:
            self._stop_zygote()
            raise PlanKGError(f"the query engine did not start: {exc}") from None
        finally:
            self._ctrl.settimeout(None)
        if msg != b"R":
            self._stop_zygote()
            detail = msg[1:].decode(errors="replace") if msg else "it exited"
            raise PlanKGError(f"the query engine could not open the store: {detail}")

    def _spawn(self) -> _Worker:
        """Ask the zygote for a new worker, restarting the zygote if it has died."""
        with self._ctrl_lock:
            if self._closed:
                raise QueryFailed(503, "Service Unavailable", "the server is shutting down")
            msg, fds = self._fork_request()
            if (len(msg) != 4 or not fds) and self._proc.poll() is not None and self._restart_zygote():
                msg, fds = self._fork_request()
        if len(msg) != 4 or not fds:
            raise QueryFailed(503, "Service Unavailable", "the query engine is not running")
        self.stats["spawned"] += 1
        return _Worker(struct.unpack("!i", msg)[0], Connection(fds[0]))

    def _fork_request(self) -> tuple[bytes, list[int]]:
        """Ask the zygote to fork a worker: its pid and socket, or empty when it does not answer."""
        try:
            self._ctrl.send(b"F")
            msg, fds, _, _ = socket.recv_fds(self._ctrl, 16, 1)
        except OSError:
            return b"", []
        return msg, fds

    def _acquire(self) -> _Worker:
        """An idle worker, a new one if below the limit, or 503 after waiting QUERY_TIMEOUT."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        with self._cond:
            while not self._idle and self._live >= self.max_workers:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise QueryFailed(503, "Service Unavailable",
                                      f"all {self.max_workers} query workers stayed busy for "
                                      f"{self.timeout:g} s; try again later")
                self._cond.wait(remaining)
            if self._idle:
                return self._idle.pop()
            self._live += 1
        try:
            return self._spawn()
        except BaseException:
            self._discard(None)
            raise

    def _release(self, worker: _Worker) -> None:
        """Return a healthy worker to the pool."""
        with self._cond:
            if self._closed:
                worker.conn.close()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def _discard(self, worker: _Worker | None, kill: bool = False) -> None:
        """Forget a worker (killing it first if asked); a later request forks a replacement."""
        if worker is not None:
            if kill:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
            worker.conn.close()
        with self._cond:
            self._live -= 1
            self._cond.notify()

    def run(self, job: Job, retry: bool = True) -> Reply:
        """Run one job on a worker; :raises QueryFailed: on timeout, crash, or a busy pool."""
        worker = self._acquire()
        started = time.monotonic()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                self.stats["timeouts"] += 1
                self._discard(worker, kill=True)
                log.warning("query stopped after %.1f s (pid %d killed)", time.monotonic() - started,
                            worker.pid)
                raise QueryFailed(503, "Query timeout",
                                  f"the query was stopped after {self.timeout:g} s (QUERY_TIMEOUT); "
                                  "simplify it, add a LIMIT, or ask the operator for a longer timeout")
            reply: Reply = worker.conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            self._discard(worker, kill=False)
            if self._proc.poll() is not None and retry:
                # the zygote died, and its workers with it: not this query's fault
                self._drop_idle()
                return self.run(job, retry=False)
            self.stats["crashed"] += 1
            log.warning("a query worker (pid %d) died running a query: %.200r", worker.pid, job.text)
            raise QueryFailed(400, "Query engine failure",
                              "the query engine failed on this query (it may need more memory than "
                              "the server allows a query); change the query: sending it again will "
                              "not help. The server is still running") from None
        if reply.retire:
            self._discard(worker, kill=True)
        else:
            self._release(worker)
        return reply

    def _drop_idle(self) -> None:
        """Forget every idle worker (after the zygote died, they are gone too)."""
        with self._cond:
            idle, self._idle = self._idle, []
            self._live -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.conn.close()

    @property
    def zygote_pid(self) -> int:
        """Process id of the zygote (for tests and logs)."""
        return self._proc.pid

    def close(self) -> None:
        """Stop the zygote and every worker."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.conn.close()
        with self._ctrl_lock:
            self._stop_zygote()

    def _stop_zygote(self) -> None:
        """Close the zygote's socket (it exits on EOF) and wait for it, killing it if it lingers."""
        self._ctrl.close()
        if self._proc.poll() is None:
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    @property
    def pids(self) -> list[int]:
        """Process ids of the idle workers (for tests and logs)."""
        with self._cond:
            return [w.pid for w in self._idle]


if __name__ == "__main__":
    # Run the module's own copy, so pickled Job/Reply classes resolve in the server too.
    from plankg.kb.workers import zygote_main as _main

    _main(sys.argv[1:])
