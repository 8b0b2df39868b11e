"""`make demo` serves on the port its banner prints: 8000 by default, ``PORT`` when set.

honcho hands the first Procfile process ``PORT=5000`` unless it is told a port, so a Procfile
default such as ``${PORT:-8000}`` never applies under it. These tests run ``make demo`` the way a
newcomer does (from the repository root, no ``PORT``, no database or broker settings, so the
embedded mode), with a private ``COURIER_VAR_DIR``, read the Health URL from the banner and ask it.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.realworker

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 180  # issue 17: migrate (squashed, ~20 s) + seed_demo, web, worker, beat
STOP_SECONDS = 20  # honcho gives its processes 5 s after SIGTERM before it kills them
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BANNER_HEALTH = re.compile(r"^\s*Health:\s+(http://127\.0\.0\.1:(\d+)/healthz)\s*$")
RUNSERVER = re.compile(r"web\.1\s*\|.*Starting development server at http://127\.0\.0\.1:(\d+)/")
# Anything that would point the demo away from its own embedded mode, or at another port.
SCRUBBED = (
    "PORT",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> dict[int, str]:
    """Every live descendant of ``pid`` with its start time (so a later kill cannot hit a reused
    pid). honcho starts each Procfile process in its own session, outside make's process group."""
    children: dict[int, list[tuple[int, str]]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append((int(stat.parent.name), fields[19]))
    found, todo = {}, [pid]
    while todo:
        for child, started in children.get(todo.pop(), []):
            found[child] = started
            todo.append(child)
    return found


def start_time(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


class Demo:
    """``make demo`` in its own session, its output collected line by line."""

    def __init__(self, var_dir: Path, port: int | None):
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
        env.update(COURIER_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
        if port is not None:
            env["PORT"] = str(port)
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            ["make", "demo"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(ANSI.sub("", line.rstrip("\n")))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def first(self, pattern: re.Pattern):
        return next((m for m in map(pattern.search, list(self.lines)) if m), None)

    def wait_for(self, pattern: re.Pattern, seconds: float = 10):
        """honcho relays output through a queue: a line may trail what the process already did."""
        deadline = time.monotonic() + seconds
        while (found := self.first(pattern)) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        return found

    def wait_healthz(self) -> tuple[str, int, str]:
        """Wait for the banner's Health URL to answer; return (url, status, body)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            banner, served = self.first(BANNER_HEALTH), self.first(RUNSERVER)
            if banner and served and banner.group(2) != served.group(1):
                self.stop()
                pytest.fail(
                    f"the banner prints port {banner.group(2)} but the web server listens on "
                    f"{served.group(1)}; `make demo` printed:\n{self.output}"
                )
            if banner:
                url = banner.group(1)
                try:
                    with urllib.request.urlopen(url, timeout=3) as response:
                        return url, response.status, response.read().decode()
                except urllib.error.HTTPError as exc:  # a 503 is served too: reported below
                    return url, exc.code, exc.read().decode()
                except OSError:
                    pass
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"the demo's Health URL never answered; `make demo` printed:\n{self.output}")

    def stop(self):
        """Ctrl-C as a newcomer would, then make sure nothing it started survives."""
        pid = self.process.pid
        spawned = descendants(pid)
        if self.process.poll() is None:  # make and honcho; honcho SIGTERMs its processes
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_SECONDS)
        if self.process.poll() is None:  # not reaped, so the group id is still ours
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        for child, started in spawned.items():
            if start_time(child) == started:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=STOP_SECONDS)
        self._reader.join(timeout=STOP_SECONDS)


@pytest.fixture
def demo(tmp_path):
    if (ROOT / ".env").exists():
        pytest.skip("a .env overrides what honcho runs; this test is about a fresh clone")
    started = []

    def start(port: int | None) -> Demo:
        started.append(Demo(tmp_path / "var", port))
        return started[-1]

    yield start
    for d in started:
        d.stop()


def assert_served_on(d: Demo, port: int):
    url, status, body = d.wait_healthz()
    assert url == f"http://127.0.0.1:{port}/healthz", d.output
    # Just started: "starting" (200) until the beat's first tick, never a 503 (issue 17.4).
    assert status == 200, (body, d.output)
    assert json.loads(body)["status"] in ("starting", "ok"), body
    served = d.wait_for(RUNSERVER)
    assert served and int(served.group(1)) == port, d.output


def test_make_demo_serves_on_8000_without_port(demo):
    """A fresh checkout, `make demo`, no PORT: the banner says 8000 and the web server is there."""
    if not port_free(8000):
        pytest.skip("port 8000 is in use on this machine")
    assert_served_on(demo(None), 8000)


def test_make_demo_honours_port(demo):
    """`PORT=<n> make demo`: the banner prints <n> and the web server answers on <n>."""
    port = free_port()
    assert_served_on(demo(port), port)
