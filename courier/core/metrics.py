"""``/metrics``: monitoring figures in the Prometheus text format (version 0.0.4).

The platform knows nothing about the domains, so each figure is a *collector* registered here,
like the reports registry: a domain registers its own in its ``metrics.py``, which
``metrics_discover()`` imports for every installed app::

    from courier.core.metrics import metric_register

    @metric_register("courier_complaints_escalation_lag_seconds", kind="gauge",
                     help="Seconds the oldest due SLA check of a complaint has waited.")
    def escalation_lag():
        return 12.5                      # or [({"label": "value"}, 1.0), ...]

The platform registers the outbox backlog (notices owed an e-mail, webhook deliveries due), the
broker's queue depth, the beat's heartbeat age and the duration of the last run of each timed
job (``timed_job``, which the sweeps wear).

Who may read it (``metrics_view``): a request from an address in ``METRICS_ALLOWED_NETWORKS``
(default: this host only), one with ``Authorization: Bearer <METRICS_TOKEN>`` (when set), or a
signed-in superuser. Everyone else gets 404: the endpoint does not advertise itself.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("courier.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
KINDS = ("gauge", "counter")
DURATION_CACHE_PREFIX = "metrics:job:"


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str
    help: str
    collect: Callable[[], float | Iterable[tuple[dict, float]]]


_METRICS: dict[str, Metric] = {}


def metric_register(name: str, *, help: str, kind: str = "gauge"):  # noqa: A002 (Prometheus word)
    """Register the decorated function as the collector of ``name``. It returns a number, or
    ``(labels, value)`` pairs for a labelled family."""
    if kind not in KINDS:
        raise ValueError(f"metric {name}: kind must be one of {KINDS}")

    def register(collect):
        known = _METRICS.get(name)
        if known is not None and known.collect.__qualname__ != collect.__qualname__:
            raise ValueError(f"metric {name} is registered twice")
        _METRICS[name] = Metric(name, kind, help, collect)
        return collect

    return register


def metrics_discover() -> None:
    """Import ``metrics.py`` of every installed app (idempotent)."""
    autodiscover_modules("metrics")


def _escape_label(value) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(int(value)) if value.is_integer() else repr(value)


def _samples(metric: Metric) -> list[tuple[dict, float]]:
    result = metric.collect()
    if isinstance(result, int | float):
        return [({}, result)]
    return list(result)


def metrics_render() -> str:
    """Every registered metric as Prometheus text. A collector that fails is left out (and
    logged) and counted in ``courier_metrics_collector_errors``: one broken figure never hides
    the others."""
    metrics_discover()
    lines: list[str] = []
    errors = 0
    for metric in sorted(_METRICS.values(), key=lambda m: m.name):
        try:
            samples = _samples(metric)
        except Exception:
            logger.exception("metric collector %s failed", metric.name)
            errors += 1
            continue
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        for labels, value in samples:
            label_text = ",".join(f'{k}="{_escape_label(v)}"' for k, v in sorted(labels.items()))
            suffix = "{" + label_text + "}" if label_text else ""
            lines.append(f"{metric.name}{suffix} {_number(value)}")
    lines.append("# HELP courier_metrics_collector_errors Collectors that failed in this scrape.")
    lines.append("# TYPE courier_metrics_collector_errors gauge")
    lines.append(f"courier_metrics_collector_errors {errors}")
    return "\n".join(lines) + "\n"


# --- who may read it --------------------------------------------------------------------------


def _address_allowed(request) -> bool:
    from courier.core.clientaddress import client_address

    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    for network in getattr(settings, "METRICS_ALLOWED_NETWORKS", ()):
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_NETWORKS holds an invalid network; ignored")
    return False


def _token_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())


def metrics_allowed(request) -> bool:
    user = getattr(request, "user", None)
    return (
        _token_allowed(request)
        or _address_allowed(request)
        or bool(user is not None and user.is_active and user.is_superuser)
    )


@never_cache
@require_GET
def metrics_view(request):
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE)


# --- timed jobs -------------------------------------------------------------------------------


def job_duration_record(job: str, seconds: float) -> None:
    try:
        cache.set(
            DURATION_CACHE_PREFIX + job,
            {"seconds": round(seconds, 3), "finished_at": timezone.now().timestamp()},
            timeout=7 * 24 * 3600,
        )
    except Exception as exc:  # a cache outage must never fail the job it measures
        logger.warning("could not record the duration of %s (%s)", job, type(exc).__name__)


def timed_job_declare(*jobs: str) -> None:
    """Name timed jobs from a domain's ``metrics.py``, so a web process (which never imports the
    task modules) reports them too."""
    TIMED_JOBS.update(jobs)


def timed_job(job: str):
    """Record how long each run of the decorated job took (seconds), for
    ``courier_job_last_duration_seconds{job=...}``."""
    TIMED_JOBS.add(job)

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            started = time.monotonic()
            try:
                return func(*args, **kwargs)
            finally:
                job_duration_record(job, time.monotonic() - started)

        return wrapper

    return decorate


TIMED_JOBS: set[str] = set()


def _job_runs() -> dict[str, dict]:
    metrics_discover()
    keys = {DURATION_CACHE_PREFIX + job: job for job in sorted(TIMED_JOBS)}
    if not keys:
        return {}
    found = cache.get_many(list(keys))
    return {keys[k]: v for k, v in found.items()}


# --- the platform's own figures ---------------------------------------------------------------


@metric_register(
    "courier_job_last_duration_seconds",
    help="Duration of the last run of each timed job (the sweeps), in seconds.",
)
def _job_durations():
    return [({"job": job}, run["seconds"]) for job, run in sorted(_job_runs().items())]


@metric_register(
    "courier_job_last_finished_timestamp_seconds",
    help="When the last run of each timed job finished (Unix time).",
)
def _job_finished():
    return [({"job": job}, run["finished_at"]) for job, run in sorted(_job_runs().items())]


@metric_register(
    "courier_outbox_backlog",
    help="Outbox rows still to send: notices owed an e-mail, webhook deliveries due now.",
)
def _outbox_backlog():
    from datetime import timedelta

    from django.db.models import Q

    from courier.core.models import Notification, WebhookDelivery

    now = timezone.now()
    window = timedelta(hours=settings.NOTIFICATION_EMAIL_RETRY_HOURS)
    mails = Notification.objects.filter(emailed_at__isnull=True, created_at__gte=now - window)
    deliveries = WebhookDelivery.objects.filter(state=WebhookDelivery.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return [
        ({"kind": "notification_email"}, mails.count()),
        ({"kind": "webhook_delivery"}, deliveries.count()),
    ]


@metric_register(
    "courier_outbox_oldest_age_seconds",
    help="Age of the oldest outbox row still to send, in seconds (0 when none).",
)
def _outbox_oldest():
    from django.db.models import Min, Q

    from courier.core.models import WebhookDelivery

    now = timezone.now()
    oldest = (
        WebhookDelivery.objects.filter(state=WebhookDelivery.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .aggregate(m=Min("created_at"))["m"]
    )
    age = (now - oldest).total_seconds() if oldest else 0
    return [({"kind": "webhook_delivery"}, max(age, 0))]


def broker_queue_names() -> list[str]:
    names = list(getattr(settings, "METRICS_QUEUES", ()) or ())
    if not names:
        from courier.celery import app as celery_app

        names = [celery_app.conf.task_default_queue or "celery"]
    return names


@metric_register(
    "courier_queue_depth",
    help="Messages waiting in each Celery queue of the broker.",
)
def _queue_depth():
    from courier.celery import app as celery_app

    samples = []
    with celery_app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        for name in broker_queue_names():
            # Passive: a scrape reads the broker and never creates a queue. A queue nobody has
            # declared yet holds nothing; its channel error closes only its own channel.
            channel = conn.channel()
            try:
                depth = channel.queue_declare(queue=name, passive=True).message_count
            except conn.channel_errors:
                depth = 0
            finally:
                channel.close()
            samples.append(({"queue": name}, depth))
    return samples


@metric_register(
    "courier_heartbeat_age_seconds",
    help="Seconds since the beat's last heartbeat tick (-1 when none was recorded).",
)
def _heartbeat_age():
    from courier.core.models import Heartbeat

    beat = Heartbeat.objects.filter(pk="beat").first()
    if beat is None:
        return -1
    return max((timezone.now() - beat.last_tick).total_seconds(), 0)
