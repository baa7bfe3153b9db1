"""Queries run in a separate engine process, so that a timeout really stops the work.

pyoxigraph cannot interrupt a running query from another thread, so queries never run in the
web server's process. The design:

- ``Executor`` (in the server) starts one *zygote*: a fresh ``python -m plankg.kb.workers``
  process that opens the build's store read-only and then only forks on request. It is
  single-threaded, so forking it is safe (forking a threaded web server is not), and a fork is
  ready in milliseconds.
- The *engine* is one process forked from the zygote, with QUERY_WORKERS threads, each serving
  one socket (a *channel*): it reads jobs (pickled :class:`~plankg.kb.engine.Job`), runs them on
  the shared :class:`~plankg.kb.engine.Engine` and sends back a ``Reply`` (status, bytes or
  rows). pyoxigraph releases the GIL while it evaluates, so the threads' queries run in
  parallel over one store and one set of its caches: memory grows with the queries running, not
  with the number of workers.
- A request borrows an idle channel (or waits, at most QUERY_TIMEOUT seconds, then 503), sends
  the job and waits what is left of QUERY_TIMEOUT for the reply. On timeout the server SIGKILLs
  the engine (the query stops at once, whatever it was doing) and answers 503; the next request
  forks a fresh engine.
- The other queries that were running on a killed or dead engine are not lost: each is run again
  in a *single-use worker* (forked from the zygote for that one query) within what is left of its
  time. A query that kills its engine is run again the same way; if it kills that worker too, it
  was the cause, and the answer is 400.
- An engine whose own memory passes WORKER_RECYCLE_MB after a heavy query is retired (however
  many channels it has: the bound is on the one process): it takes no new query, and exits when
  its running ones are answered; the next query forks a fresh one.
- Every process dies with its parent (PR_SET_PDEATHSIG) and on EOF of its sockets; the engine
  and the single-use workers refuse outbound sockets and have an address-space limit
  (WORKER_MEMORY_MB for each query they may run at once).

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
ARENA_HEADROOM_MB = 64     # address space glibc reserves for each thread's malloc arena


def _answer(engine: Engine, job: Job, recycle_kib: int) -> Reply:
    """Run one job; after a heavy one give memory back, and ask to be retired if still too big."""
    started = time.perf_counter()
    reply = engine.run(job)
    if time.perf_counter() - started >= TRIM_AFTER_SECONDS:
        memory.trim()  # without it the process keeps the peak of every query it ran
        if recycle_kib and private_kib() > recycle_kib:
            reply.retire = True  # the server forks a fresh engine, sharing the zygote's pages
    return reply


def _serve(engine: Engine, conn: Connection, recycle_kib: int, once: bool) -> None:
    """Answer jobs from one channel until the server closes it (after one job if ``once``)."""
    with conn:  # however this ends, the server sees EOF rather than silence
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            reply = _answer(engine, job, recycle_kib)
            try:
                conn.send(reply)
            except (OSError, pickle.PicklingError):
                return
            if once or reply.retire:
                return


def _process_main(engine: Engine, socks: list[socket.socket], settings: Mapping[str, Any],
                  once: bool) -> None:
    """The engine (one thread per channel) or, with ``once``, a single-use worker."""
    _die_with_parent()
    _forbid_outbound()
    recycle_kib = 0 if once else int(settings.get("worker_recycle_mb", 0)) * 1024
    threads = [threading.Thread(target=_serve, args=(engine, Connection(s.detach()), recycle_kib, once),
                                daemon=True) for s in socks]
    for thread in threads:
        thread.start()
    megabytes = int(settings.get("worker_memory_mb", 0))
    if megabytes:  # after the threads' stacks are mapped; each query may add its share
        _limit_memory(len(socks) * (megabytes + ARENA_HEADROOM_MB))
    for thread in threads:
        thread.join()


def zygote_main(argv: list[str]) -> None:
    """Open the store, report readiness, then fork an engine or a single-use worker on request.

    Requests on the control socket: ``E`` and a byte N (an engine with N channels) or ``W`` (one
    single-use worker). The answer is the new process's id with its channels' descriptors.
    """
    settings = json.loads(argv[0])
    ctrl = socket.socket(fileno=int(argv[1]))
    _die_with_parent()
    memory.map_large_blocks()  # inherited by the forks: big answers are freed at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forks are reaped automatically
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
        if not msg or msg[:1] not in (b"E", b"W"):
            break
        once = msg[:1] == b"W"
        channels = 1 if once or len(msg) < 2 else max(1, msg[1])
        pairs = [socket.socketpair() for _ in range(channels)]
        pid = os.fork()
        if pid == 0:
            ctrl.close()
            for ours, _ in pairs:
                ours.close()
            try:
                _process_main(engine, [theirs for _, theirs in pairs], settings, once)
            finally:
                os._exit(0)
        for ours, theirs in pairs:
            theirs.close()
        socket.send_fds(ctrl, [struct.pack("!i", pid)], [ours.fileno() for ours, _ in pairs])
        for ours, _ in pairs:
            ours.close()
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# Server side
# ---------------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Process:
    """The server's handle on the engine or on a single-use worker."""

    pid: int
    idle: list[Connection]     # channels not running a query
    gone: bool = False         # killed or found dead: nothing more comes from it
    pidfd: int | None = None   # this very process, even after its pid is reused (Linux 5.3+)

    def __post_init__(self) -> None:
        with contextlib.suppress(AttributeError, OSError):  # it is alive: it waits for its first job
            self.pidfd = os.pidfd_open(self.pid)

    def kill(self) -> None:
        """SIGKILL it, if it is still there (by pidfd: never another process that got its pid)."""
        with contextlib.suppress(ProcessLookupError, OSError):
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)

    def __del__(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)


class _Late(Exception):
    """No reply within the query's time."""


class _Lost(Exception):
    """The process died (or was killed) before it replied."""


class Executor:
    """Runs jobs on the engine process, with a timeout that kills runaways."""

    def __init__(self, store_path: str, workers: int = 2, timeout: float = 10.0,
                 worker_memory_mb: int = 0, worker_recycle_mb: int = 0) -> None:
        self.timeout = timeout if timeout and timeout > 0 else None
        self.max_workers = max(1, min(workers, 255))
        self._engine: _Process | None = None   # the engine new queries go to (None: fork one)
        self._singles: set[_Process] = set()   # single-use workers running a query again
        self._busy = 0                         # queries running (at most max_workers)
        self._forking = False                  # a request is forking the next engine
        self._cond = threading.Condition()
        self._ctrl_lock = threading.Lock()
        self._closed = False
        self.stats = {"timeouts": 0, "spawned": 0, "crashed": 0, "restarts": 0, "rerun": 0}
        self._restarts: list[float] = []   # when the zygote was restarted (bounded per window)
        self._settings = {"store_path": str(store_path), "worker_memory_mb": worker_memory_mb,
                          "worker_recycle_mb": worker_recycle_mb}
        self._start_zygote()
        self._engine = self._fork()

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
        """Whether the zygote is running (it forks every engine and worker)."""
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

    def _fork(self, once: bool = False) -> _Process:
        """Ask the zygote for the engine (or, ``once``, a single-use worker), restarting it if it died."""
        channels = 1 if once else self.max_workers
        request = b"W" if once else b"E" + bytes([channels])
        with self._ctrl_lock:
            if self._closed:
                raise QueryFailed(503, "Service Unavailable", "the server is shutting down")
            msg, fds = self._fork_request(request, channels)
            if (len(msg) != 4 or len(fds) != channels) and self._proc.poll() is not None \
                    and self._restart_zygote():
                msg, fds = self._fork_request(request, channels)
            ok = len(msg) == 4 and len(fds) == channels
            self.stats["spawned"] += ok
        if not ok:
            for fd in fds:
                os.close(fd)
            raise QueryFailed(503, "Service Unavailable", "the query engine is not running")
        return _Process(struct.unpack("!i", msg)[0], [Connection(fd) for fd in fds])

    def _fork_request(self, request: bytes, channels: int) -> tuple[bytes, list[int]]:
        """Send a fork request to the zygote: the new pid and sockets, or empty if it does not answer."""
        try:
            self._ctrl.send(request)
            msg, fds, _, _ = socket.recv_fds(self._ctrl, 16, channels)
        except OSError:
            return b"", []
        return msg, fds

    def _acquire(self, deadline: float | None) -> tuple[_Process, Connection]:
        """An idle channel of the engine (forking the engine if there is none), or 503 at the deadline."""
        while True:
            with self._cond:
                while True:
                    if self._closed:
                        raise QueryFailed(503, "Service Unavailable", "the server is shutting down")
                    engine = self._engine
                    if self._busy < self.max_workers and engine is not None and engine.idle:
                        self._busy += 1
                        return engine, engine.idle.pop()
                    if self._busy < self.max_workers and engine is None and not self._forking:
                        self._forking = True
                        break
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise QueryFailed(503, "Service Unavailable",
                                          f"all {self.max_workers} query workers stayed busy for "
                                          f"{self.timeout:g} s; try again later")
                    self._cond.wait(remaining)
            try:  # without the lock: other requests keep their channels meanwhile
                engine = self._fork()
            finally:
                with self._cond:
                    self._forking = False
                    self._cond.notify_all()
            with self._cond:
                self._engine = engine

    def _release(self, process: _Process, conn: Connection) -> None:
        """Give a channel back: to the idle ones if its engine still takes queries, else closed."""
        with self._cond:
            self._busy -= 1
            if process is self._engine and not self._closed:
                process.idle.append(conn)
            else:
                conn.close()  # a retired engine's thread ends on EOF, and the engine with its last
            self._cond.notify_all()

    def _retire(self, process: _Process) -> None:
        """Take no new queries on this engine; it exits when its running ones are answered."""
        with self._cond:
            if self._engine is process:
                self._engine = None
            idle, process.idle = process.idle, []
        for conn in idle:
            conn.close()

    def _kill(self, process: _Process) -> None:
        """SIGKILL a process (once) and forget it."""
        with self._cond:
            first, process.gone = not process.gone, True
        self._retire(process)
        if first:
            process.kill()

    def _exchange(self, conn: Connection, job: Job, deadline: float | None) -> Reply:
        """Send a job and wait for its reply until the deadline; :raises _Late: or :raises _Lost:."""
        try:
            conn.send(job)
            if not conn.poll(None if deadline is None else max(0.0, deadline - time.monotonic())):
                raise _Late
            return conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            raise _Lost from None

    def run(self, job: Job) -> Reply:
        """Run one job on the engine; :raises QueryFailed: on timeout, crash, or a busy engine."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        engine, conn = self._acquire(deadline)
        try:
            reply = self._exchange(conn, job, deadline)
        except _Late:
            self._kill(engine)
            raise self._timed_out(engine.pid) from None
        except _Lost:
            # Killed for another query's timeout, or dead of this one or another: run it alone.
            self._kill(engine)
            self.stats["rerun"] += 1
            return self._run_alone(job, deadline)
        else:
            if reply.retire:
                self._retire(engine)
            return reply
        finally:
            self._release(engine, conn)

    def _run_alone(self, job: Job, deadline: float | None) -> Reply:
        """Run a job again on a single-use worker: what it answers, or 400 if it dies there too."""
        worker = self._fork(once=True)
        with self._cond:
            self._singles.add(worker)
        conn = worker.idle.pop()
        try:
            return self._exchange(conn, job, deadline)
        except _Late:
            self._kill(worker)
            raise self._timed_out(worker.pid) from None
        except _Lost:
            self.stats["crashed"] += 1
            log.warning("a query killed its worker (pid %d) twice: %.200r", worker.pid, job.text)
            raise QueryFailed(400, "Query engine failure",
                              "the query engine failed on this query (it may need more memory than "
                              "the server allows a query); change the query: sending it again will "
                              "not help. The server is still running") from None
        finally:
            conn.close()  # the worker exits after one job, or on EOF
            with self._cond:
                self._singles.discard(worker)

    def _timed_out(self, pid: int) -> QueryFailed:
        """Count and log a query stopped at the timeout; the error for its client."""
        self.stats["timeouts"] += 1
        log.warning("query stopped after %g s (pid %d killed)", self.timeout, pid)
        return QueryFailed(503, "Query timeout",
                           f"the query was stopped after {self.timeout:g} s (QUERY_TIMEOUT); "
                           "simplify it, add a LIMIT, or ask the operator for a longer timeout")

    @property
    def zygote_pid(self) -> int:
        """Process id of the zygote (for tests and logs)."""
        return self._proc.pid

    def close(self) -> None:
        """Stop the zygote, the engine and every worker (they exit on EOF and with the zygote)."""
        with self._cond:
            self._closed = True
            engine, self._engine = self._engine, None
        if engine is not None:
            self._retire(engine)
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
        """Process ids of the engine new queries go to and of the single-use workers running."""
        with self._cond:
            return ([self._engine.pid] if self._engine else []) + [w.pid for w in self._singles]


if __name__ == "__main__":
    # Run the module's own copy, so pickled Job/Reply classes resolve in the server too.
    from plankg.kb.workers import zygote_main as _main

    _main(sys.argv[1:])
