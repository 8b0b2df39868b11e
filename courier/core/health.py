"""/healthz and its checks: the database, the broker and the age of the last beat tick."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courier.celery import app as celery_app
from courier.core.models import Heartbeat


def database_check() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means unhealthy; the message says which
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "vendor": connection.vendor}


def broker_check() -> dict:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "transport": str(transport)}


def beat_check(name: str = "beat") -> dict:
    max_age = settings.HEARTBEAT_MAX_AGE_SECONDS
    try:
        beat = Heartbeat.objects.filter(pk=name).first()
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    if beat is None:
        return {"ok": False, "error": "no tick recorded yet", "max_age_seconds": max_age}
    age = (timezone.now() - beat.last_tick).total_seconds()
    return {
        "ok": age <= max_age,
        "last_tick": beat.last_tick.isoformat(),
        "age_seconds": round(age, 1),
        "max_age_seconds": max_age,
    }


def health_report() -> tuple[bool, dict]:
    checks = {"database": database_check(), "broker": broker_check()}
    checks["beat"] = (
        beat_check() if checks["database"]["ok"] else {"ok": False, "error": "database down"}
    )
    return all(c["ok"] for c in checks.values()), checks


@never_cache
@require_GET
def healthz(request):
    ok, checks = health_report()
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )
