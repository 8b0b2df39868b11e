"""Reads for the complaints use cases: reports, survey results, service levels, partner views."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum

from complaints import rules
from complaints.models import (
    ComplaintSettings,
    ServiceLevelDay,
    SlaMilestone,
    Survey,
)


def survey_by_token(token: str) -> Survey | None:
    return Survey.objects.select_related("complaint").filter(token=token).first()


def survey_results(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> dict:
    """CMP-13: answered surveys analysed per agent and per category (count, average, share of
    bad reviews)."""
    cfg = ComplaintSettings.load()
    qs = Survey.objects.filter(answered_at__isnull=False)
    if since:
        qs = qs.filter(answered_at__gte=since)
    if until:
        qs = qs.filter(answered_at__lt=until)
    bad = Count("pk", filter=Q(score__lte=cfg.bad_review_max_score))

    def rows(group_by):
        out = []
        for r in (
            qs.values(*group_by)
            .annotate(n=Count("pk"), avg=Avg("score"), bad=bad)
            .order_by(*group_by)
        ):
            out.append(
                {
                    **{k: r[k] for k in group_by},
                    "answered": r["n"],
                    "average": Decimal(str(r["avg"])).quantize(Decimal("0.01")),
                    "bad": r["bad"],
                }
            )
        return out

    sent = Survey.objects.count()
    answered = qs.count()
    return {
        "sent": sent,
        "answered": answered,
        "response_rate": rules.percentage(answered, sent),
        "by_agent": rows(["agent_id", "agent__name"]),
        "by_category": rows(["category"]),
    }


def service_levels(start: dt.date, end: dt.date) -> dict:
    """CMP-12: share of orders processed within 24 h and hotline answer rate, against targets."""
    cfg = ComplaintSettings.load()
    sums = ServiceLevelDay.objects.filter(day__gte=start, day__lte=end).aggregate(
        orders=Sum("orders_received"),
        within=Sum("orders_within_24h"),
        offered=Sum("calls_offered"),
        answered=Sum("calls_answered"),
        days=Count("pk"),
    )
    order_rate = rules.percentage(sums["within"] or 0, sums["orders"] or 0)
    answer_rate = rules.percentage(sums["answered"] or 0, sums["offered"] or 0)
    return {
        "days": sums["days"],
        "orders_within_24h_rate": order_rate,
        "orders_target": cfg.order_24h_target,
        "orders_target_met": rules.target_met(order_rate, cfg.order_24h_target),
        "hotline_answer_rate": answer_rate,
        "hotline_target": cfg.hotline_answer_target,
        "hotline_target_met": rules.target_met(answer_rate, cfg.hotline_answer_target),
    }


def sla_report(since: dt.datetime, until: dt.datetime) -> dict:
    """CMP-03/04: per milestone, how many were met and breached and the average minutes."""
    out = {}
    qs = SlaMilestone.objects.filter(done_at__gte=since, done_at__lt=until)
    for r in (
        qs.order_by()
        .values("milestone")
        .annotate(
            n_met=Count("pk", filter=Q(met=True)),
            n_breached=Count("pk", filter=Q(met=False)),
            avg=Avg("minutes_taken"),
        )
    ):
        out[r["milestone"]] = {
            "met": r["n_met"],
            "breached": r["n_breached"],
            "average_minutes": round(r["avg"] or 0, 1),
        }
    return out


def survey_is_bad_review_of_agent(survey: Survey) -> bool:
    """CMP-13 / G16: an answered survey scoring at most the bad-review mark, naming an agent."""
    threshold = ComplaintSettings.load().bad_review_max_score
    return survey.score is not None and survey.score <= threshold and survey.agent_id is not None
