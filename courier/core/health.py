"""/healthz and its checks: the database, the cache, the broker and the age of the last beat tick.

Anonymous callers (load balancers, uptime probes) get only each component's name and ``ok``
flag; the details (vendor, transport, tick age, and the error of a failing check) go to the
server log, and signed-in staff also see them in the body. Error text never reaches an
anonymous caller. Status: ``ok``, ``degraded`` (200: only the cache is down), ``starting`` (200:
only the beat has not ticked yet, within ``HEALTH_STARTUP_GRACE_SECONDS`` of this process's
start) or ``fail`` (503).

Why ``starting``: web, worker and beat start together (``make demo``, a deploy). The first tick
is written by a worker running beat's first ``system-heartbeat`` job, which beat sends one
interval (20 s) after it has synced the schedule, and a worker takes its own time to boot; until
then the tick is missing (a fresh database) or as old as the last run (a restart). That is not a
failure of the node, so the web process does not report one for its first minutes.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courier.celery import app as celery_app
from courier.core.models import Heartbeat

logger = logging.getLogger("courier.health")

# When this web process started (the module is imported at URL loading, before any request).
PROCESS_STARTED = time.monotonic()


def in_startup_grace() -> bool:
    return time.monotonic() - PROCESS_STARTED < settings.HEALTH_STARTUP_GRACE_SECONDS


def _error(exc: Exception) -> dict:
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def database_check() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means unhealthy; the message says which
        return _error(exc)
    return {"ok": True, "vendor": connection.vendor}


def cache_check() -> dict:
    """The default cache (Redis in production): a write and a read of a throwaway key."""
    cache = caches["default"]
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:
        return _error(exc)
    if not ok:
        return {"ok": False, "error": "a value written could not be read back"}
    return {"ok": True, "backend": type(cache).__name__}


def broker_check() -> dict:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return _error(exc)
    return {"ok": True, "transport": str(transport)}


def beat_check(name: str = "beat") -> dict:
    max_age = settings.HEARTBEAT_MAX_AGE_SECONDS
    try:
        beat = Heartbeat.objects.filter(pk=name).first()
    except Exception as exc:
        return _error(exc)
    if beat is None:
        return {"ok": False, "error": "no tick recorded yet", "max_age_seconds": max_age}
    age = (timezone.now() - beat.last_tick).total_seconds()
    return {
        "ok": age <= max_age,
        "last_tick": beat.last_tick.isoformat(),
        "age_seconds": round(age, 1),
        "max_age_seconds": max_age,
    }


# The API keeps serving without the cache (throttles fall back per process): a cache outage is
# reported ("degraded", still 200), it does not take the node out of the load balancer.
DEGRADABLE = frozenset({"cache"})


def health_report() -> tuple[bool, dict]:
    checks = {"database": database_check(), "cache": cache_check(), "broker": broker_check()}
    checks["beat"] = (
        beat_check() if checks["database"]["ok"] else {"ok": False, "error": "database down"}
    )
    return all(c["ok"] for n, c in checks.items() if n not in DEGRADABLE), checks


def _status(ok: bool, checks: dict) -> tuple[str, int]:
    """The overall status and HTTP code (see the module docstring)."""
    if ok:
        return ("ok" if all(c["ok"] for c in checks.values()) else "degraded"), 200
    failing = {n for n, c in checks.items() if not c["ok"] and n not in DEGRADABLE}
    if failing == {"beat"} and in_startup_grace():
        return "starting", 200
    return "fail", 503


def _may_see_details(request) -> bool:
    user = getattr(request, "user", None)
    try:
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
    except Exception:  # the session store (cache or database) is down: treat as anonymous
        return False


@never_cache
@require_GET
def healthz(request):
    ok, checks = health_report()
    for name, check in checks.items():
        if not check["ok"]:
            logger.warning("healthz: %s failing: %s", name, check.get("error", check))
    status, code = _status(ok, checks)
    if not _may_see_details(request):
        checks = {name: {"ok": check["ok"]} for name, check in checks.items()}
    return JsonResponse({"status": status, "checks": checks}, status=code)
