"""The home of each role: ``/`` (the login page first) and the admin index. Views only pick the
role and call ``courier.console.selectors``."""

from datetime import timedelta

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courier.console import charts, selectors
from staffing import selectors as staffing_selectors


def home_context(request) -> dict:
    """The role and its figures for the logged-in user (empty for a login with no home)."""
    employee = staffing_selectors.employee_for_user(request.user)
    role = selectors.role_for(request.user, employee)
    now = timezone.now()
    context = {"console_role": role, "console_now": now, "console_employee": employee}
    if role == selectors.AGENT:
        context["agent"] = selectors.agent_home(employee, now)
    elif role == selectors.SUPERVISOR:
        context["board"] = selectors.supervisor_board(employee, now)
        context["agent"] = selectors.agent_home(employee, now)
    elif role in (selectors.MANAGER, selectors.HQ):
        context["matrix"] = selectors.manager_home(request.user, now)
    return context


def home(request):
    """``/``: the role's home after login; the login page otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {
        **admin.site.each_context(request),
        "title": _("My day"),
        **home_context(request),
    }
    return TemplateResponse(request, "console/home.html", context)


def admin_index(request, extra_context=None):
    """The admin index with the role's home above the list of models."""
    return admin.site.index(
        request, extra_context={**home_context(request), **(extra_context or {})}
    )


REPORT_ROLES = (selectors.SUPERVISOR, selectors.MANAGER, selectors.HQ)


def reports(request):
    """``/reports/``: the charts (SLA trend, revisit rate, breaches by cause, branch
    comparison) over the last two weeks and the latest stored report runs with their downloads.
    For supervisors, the manager and HQ; a fixed number of queries."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    employee = staffing_selectors.employee_for_user(request.user)
    role = selectors.role_for(request.user, employee)
    if role not in REPORT_ROLES:
        raise PermissionDenied
    now = timezone.now()
    end = selectors.local_date(now)
    start = end - timedelta(days=selectors.CHART_DAYS - 1)
    # A supervisor sees their own branch; the manager and HQ every branch (None).
    scope = staffing_selectors.department_scope(request.user)
    figures = selectors.report_charts(start, end, scope)
    labels = [f"{d:%m-%d}" for d in figures["days"]]
    trend = figures["trend"]
    clock = {True: _("First response"), False: _("Solution")}
    causes = [
        (
            f"{c['label']} · {clock[c['milestone'] == 'response']}",
            c["breached"],
        )
        for c in figures["causes"]
    ]
    english = (get_language() or "").startswith("en")
    for b in figures["branches"]:
        d = b["department"]
        b["label"] = d.name_en if english and d.name_en else d.name
    context = {
        **admin.site.each_context(request),
        "title": _("Reports"),
        "figures": figures,
        "causes": causes,
        "runs": selectors.report_runs_latest(request.user),
        "sla_chart": charts.line_chart(
            "chart-sla-trend",
            _("Complaint SLA met, per day (%)"),
            labels,
            [
                (_("First response met"), [t["response"] for t in trend]),
                (_("Solution met"), [t["resolution"] for t in trend]),
            ],
            x_title=_("Day"),
            y_title=_("Share (%)"),
        ),
        "revisit_chart": charts.line_chart(
            "chart-revisit",
            _("Revisit rate, per day (%)"),
            labels,
            [(_("Revisit rate"), [t["revisit"] for t in trend])],
            target=(_("Target"), 100),
            x_title=_("Day"),
            y_title=_("Share (%)"),
        ),
        "causes_chart": charts.bar_chart(
            "chart-breaches-by-cause",
            _("SLA breaches by cause"),
            causes,
            series_title=_("Breaches"),
            no_data=_("No SLA breach in the period."),
        ),
        "branches_chart": charts.bar_chart(
            "chart-branches",
            _("SLA met per branch (%)"),
            [(b["label"], b["rate"]) for b in figures["branches"]],
            unit="%",
            x_max=100,
            series_title=_("SLA met"),
            no_data=_("No data"),
        ),
    }
    return TemplateResponse(request, "console/reports.html", context)
