"""Profile one partner API request path in-process, as gunicorn calls it (the WSGI application,
production settings), against the configured database and Redis: a DRF view without
authentication, ``GET /api/v1/me/``, ``POST /api/v1/shipments/`` and ``POST /api/v1/quotes/``.

Prints, per path: microseconds per request (best of 3 loops), the database round trips (every
statement the driver sent, health checks and transaction control included) and the Redis
commands per request, then cProfile's top functions by own time (``PROFILE_TOP``, 25).

    DATABASE_URL=postgres://... REDIS_URL=redis://.../N .venv/bin/python bench/profile_api.py
    PROFILE_PATHS=me,create PROFILE_REQUESTS=500 ...

It runs in a throwaway copy of the migrated schema (``benchlib.seeded_database``).
"""

import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
os.environ.setdefault("COURIER_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.update(
    {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "API_RATE_PER_KEY": "1000000/min",
    }
)

import django  # noqa: E402

django.setup()

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "300"))
PATHS = os.environ.get("PROFILE_PATHS", "plain,me,create,quote").split(",")
TOP = int(os.environ.get("PROFILE_TOP", "25"))


class Counters:
    """Statements sent to the database and commands sent to Redis, by wrapping the drivers."""

    def __init__(self):
        self.db = 0
        self.redis = 0
        self.db_sql: dict[str, int] = {}

    def install(self):
        import psycopg
        import redis.connection

        counters = self
        for cls in (psycopg.Cursor, psycopg.ClientCursor):
            if "execute" not in cls.__dict__:  # inherited: counted once, by the base
                continue
            original = cls.execute

            def execute(self, query, *args, _original=original, **kwargs):
                counters.db += 1
                text = str(query if isinstance(query, str) else getattr(query, "as_string", str)())
                key = text.split()[0].upper() if text.split() else "?"
                counters.db_sql[key] = counters.db_sql.get(key, 0) + 1
                return _original(self, query, *args, **kwargs)

            cls.execute = execute
        for name in ("commit", "rollback"):
            original = getattr(psycopg.Connection, name)

            def wrapped(self, _original=original, _name=name):
                counters.db += 1
                counters.db_sql[_name.upper()] = counters.db_sql.get(_name.upper(), 0) + 1
                return _original(self)

            setattr(psycopg.Connection, name, wrapped)
        original_send = redis.connection.AbstractConnection.send_packed_command

        def send_packed_command(self, command, check_health=True):
            counters.redis += 1
            return original_send(self, command, check_health)

        redis.connection.AbstractConnection.send_packed_command = send_packed_command

    def reset(self):
        self.db = self.redis = 0
        self.db_sql = {}


def _environ(method: str, path: str, body: bytes = b"", headers=None) -> dict:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def run():
    from decimal import Decimal

    from api_wsgi import application
    from bench_shipments import QUOTE_BODY, _body
    from django.contrib.auth import get_user_model

    from courier.core.services.apikeys import partner_api_key_create
    from courier.finance.models import PartnerAccount
    from courier.models import API_SCOPES, Partner

    service = get_user_model().objects.create(username="profile-partner")
    partner = Partner.objects.create(code="PROF", name="Profile", service_user=service)
    PartnerAccount.objects.create(partner=partner, credit_limit=Decimal("1000000000"))
    _row, plain_key = partner_api_key_create(partner, name="p", scopes=sorted(API_SCOPES))
    auth = {"Authorization": f"Bearer {plain_key}", "Content-Type": "application/json"}
    made = iter(range(10**9))

    def call(method, path, body=b"", headers=None, want=200):
        status = []
        result = application(
            _environ(method, path, body, headers), lambda s, h, exc=None: status.append(s)
        )
        b"".join(result)
        if hasattr(result, "close"):
            result.close()  # request_finished: connection handling as under gunicorn
        assert status[0].startswith(str(want)), (status, path)

    requests = {
        "plain": lambda: call("GET", "/bench/drf-plain/"),
        "me": lambda: call("GET", "/api/v1/me/", headers=auth),
        "create": lambda: call(
            "POST", "/api/v1/shipments/", _body(f"P{next(made)}").encode(), auth, want=201
        ),
        "quote": lambda: call("POST", "/api/v1/quotes/", QUOTE_BODY.encode(), auth),
    }
    counters = Counters()
    counters.install()
    for name in PATHS:
        fn = requests[name]
        for _ in range(20):
            fn()
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(REQUESTS):
                fn()
            best = min(best, (time.perf_counter() - started) / REQUESTS)
        counters.reset()
        fn()
        db, rd, sql = counters.db, counters.redis, dict(counters.db_sql)
        print(f"== {name}: {best * 1e6:.0f} us/request; database {db} {sql}; redis {rd}")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(REQUESTS):
            fn()
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats("tottime")
        stats.print_stats(TOP)
        print("\n".join(out.getvalue().splitlines()[: TOP + 12]))
        if os.environ.get("PROFILE_CUMULATIVE") == "1":
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(TOP * 2)
            print(out.getvalue())


def main():
    from benchlib import seeded_database

    with seeded_database("api", lambda: None, copy="profile"):
        run()


if __name__ == "__main__":
    main()
