"""Run the project under gunicorn (the production WSGI server) on the bench's database and load it
over HTTP from concurrent clients: requests per second as a real server answers them.

The server runs with production settings (``DEBUG=false``, a throwaway ``SECRET_KEY``) against the
database the bench created, so it sees the rows the bench committed. Clients are threads with one
keep-alive-free connection per request, as partners' integrations mostly are.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
# gunicorn's own advice for sync workers: 2 x cores + 1; twice as many clients keep them busy.
WORKERS = int(os.environ.get("BENCH_HTTP_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", str(2 * WORKERS)))


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        user = s.get("USER") or "postgres"
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"
    return f"sqlite:///{Path(s['NAME']).resolve()}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``with Server() as server: server.request("GET", "/api/v1/me/", headers=...)``"""

    def __init__(self, workers: int = WORKERS, app: str = "courier.wsgi:application"):
        self.port = _free_port()
        self.workers = workers
        self.app = app  # e.g. "api_wsgi:application" (bench/ is on the path)
        self.process = None

    def __enter__(self):
        env = os.environ | {
            "DATABASE_URL": _database_url(),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "API_RATE_PER_KEY": "1000000/min",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                self.app,
                f"--workers={self.workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + float(os.environ.get("BENCH_HTTP_START_SECONDS", "180"))
        while time.monotonic() < deadline:
            try:
                self.request("GET", "/admin/login/")
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def rps(send: Callable[[int], None], total: int, clients: int = CLIENTS) -> float:
    """Requests per second for ``total`` calls of ``send(i)`` spread over ``clients`` threads."""
    counter = iter(range(total))
    lock = threading.Lock()
    errors = []

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            try:
                send(i)
            except Exception as exc:  # noqa: BLE001 - reported below, the bench must not hang
                errors.append(exc)
                return

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return total / elapsed
