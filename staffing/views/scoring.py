"""Pages of the 100-point scoring: my running score, the department board, the settlement
screen with what blocks it, printable statements and the payroll Excel export.

Views read and call services; they hold no rule of their own.
"""

from datetime import date
from io import BytesIO

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courier.core.errors import ApplicationError
from staffing import selectors
from staffing.models import Department, ScoreEvent, ScoringPolicy, Settlement
from staffing.models.scoring import SettlementState
from staffing.selectors.access import user_may_compute_settlement
from staffing.services import scoring as scoring_services
from staffing.services import settlement as settlement_services
from staffing.services import settlement_reopening as reopening_services

MY_SCORE_PAGE_SIZE = 50


def _month_param(request, department_id: int) -> date:
    """The score period asked for (``?month=YYYY-MM``, the label of a period: the month it starts
    in), else the department's period today falls in (SCR-04: payday to payday)."""
    raw = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return selectors.score_period_of(department_id, timezone.localdate())


def _page(request, template: str, context: dict):
    return render(request, template, {**admin.site.each_context(request), **context})


def _refused(request, exc: ApplicationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _visible(request, department_id: int) -> None:
    if not selectors.department_visible_to(request.user, department_id):
        raise PermissionDenied


@login_required
def my_score(request):
    """SCR-01/SCR-04: my running score and the events of this score period (from payday to the
    day before the next payday), with an appeal button."""
    me = selectors.employee_for_user(request.user)
    if me is None:
        raise Http404(_("You have no employee profile."))
    month = _month_param(request, me.department_id)
    events = selectors.score_events([me.pk], month)
    policy = ScoringPolicy.current()
    now = timezone.now()
    # The figures count the whole month; the table shows one page of it (newest last).
    page = Paginator(events, MY_SCORE_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.can_appeal = scoring_services.appeal_offered(
            event, is_reversed=event.is_reversed, appeal_days=policy.appeal_days, now=now
        )
    return _page(
        request,
        "staffing/scoring/my_score.html",
        {
            "title": _("My score"),
            "me": me,
            "month": month,
            "period": selectors.score_period_span(me.department_id, month, policy.payday_day),
            "events": page.object_list,
            "page_obj": page,
            "line": selectors.running_line(events, policy),
        },
    )


@login_required
@require_POST
def appeal_create(request, event_id: int):
    event = get_object_or_404(ScoreEvent.objects.select_related("employee"), pk=event_id)
    try:
        scoring_services.appeal_file(
            event=event, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Your appeal is filed; the supervisor will decide it."))
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect(f"{reverse('scoring:mine')}?month={event.month:%Y-%m}")


@login_required
def board(request):
    """The supervisor's department board: everyone's running score and figures in the score
    period (SCR-04: payday to the day before the next payday)."""
    me = selectors.employee_for_user(request.user)
    department_id = request.GET.get("department") or (me.department_id if me else None)
    department = get_object_or_404(Department, pk=department_id)
    _visible(request, department.pk)
    month = _month_param(request, department.pk)
    return _page(
        request,
        "staffing/scoring/board.html",
        {
            "title": _("Score board"),
            "department": department,
            "month": month,
            "period": selectors.score_period_span(department.pk, month),
            "lines": selectors.with_employees(
                settlement_services.sheet_build(department.pk, month)
            ),
            "settlement": selectors.settlement_find(department.pk, month),
            "may_open": user_may_compute_settlement(request.user, department.pk),
            "fund": selectors.fund_balance(department.pk),
            "departments": selectors.board_departments(),
        },
    )


def _settlement_for(request, pk: int) -> Settlement:
    settlement = selectors.settlement_with_department(pk)
    if settlement is None:
        raise Http404
    _visible(request, settlement.department_id)
    return settlement


@login_required
def settlement_open(request):
    """The settlement screen of a department's month. A GET only reads: it goes to the month's
    sheet, or back to the board when there is none yet; the board's button POSTs to open one,
    for those who may compute it (SCR-04/SCR-07: the supervisor or a manager)."""
    department = get_object_or_404(Department, pk=request.GET.get("department"))
    _visible(request, department.pk)
    month = _month_param(request, department.pk)
    existing = selectors.settlement_find(department.pk, month)
    if existing is not None:
        return redirect("scoring:settlement", existing.pk)
    if request.method != "POST":
        messages.info(request, _("There is no settlement of this month yet."))
        board = reverse("scoring:board")
        return redirect(f"{board}?department={department.pk}&month={month:%Y-%m}")
    if not user_may_compute_settlement(request.user, department.pk):
        raise PermissionDenied
    settlement = settlement_services.settlement_get(department, month)
    return redirect("scoring:settlement", settlement.pk)


@login_required
def settlement_screen(request, pk: int):
    """SCR-04/SCR-07: the sheet, its state, and what is blocking the next step."""
    settlement = _settlement_for(request, pk)
    reopenings = selectors.settlement_reopenings(settlement)
    for reopening in reopenings:
        reopening.may_decide = reopening_services.reopening_decidable(reopening, request.user)
    return _page(
        request,
        "staffing/scoring/settlement.html",
        {
            "title": _("Settlement %(s)s") % {"s": settlement},
            "settlement": settlement,
            "period": selectors.score_period_span(settlement.department_id, settlement.month),
            "reopenings": reopenings,
            "may_request_reopening": reopening_services.reopening_requestable(
                settlement, request.user
            ),
            "lines": selectors.settlement_lines(settlement),
            "blockers": settlement_services.settlement_blockers(settlement),
            "appeals": selectors.open_appeals(
                settlement.department_id, settlement.month
            ).select_related("employee", "event__rule"),
            "states": SettlementState,
        },
    )


STEPS = {
    "compute": settlement_services.settlement_compute,
    "submit": settlement_services.settlement_submit,
    "approve": settlement_services.settlement_approve,
    "reopen": settlement_services.settlement_reopen,
}


@login_required
@require_POST
def settlement_step(request, pk: int, step: str):
    settlement = _settlement_for(request, pk)
    if step not in STEPS:
        raise Http404
    try:
        STEPS[step](settlement, user=request.user)
        messages.success(request, _("Done."))
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("scoring:settlement", settlement.pk)


@login_required
@require_POST
def reopening_create(request, pk: int):
    """SCR-07: a manager asks HQ to reopen the settled month, with the reason."""
    settlement = _settlement_for(request, pk)
    try:
        reopening_services.reopening_request(
            settlement, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Asked; head office decides on reopening the month."))
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("scoring:settlement", settlement.pk)


REOPENING_DECISIONS = {
    "approve": reopening_services.reopening_approve,
    "refuse": reopening_services.reopening_refuse,
}


@login_required
@require_POST
def reopening_decide(request, pk: int, decision: str):
    """SCR-07: head office approves or refuses a manager's request to reopen a settled month."""
    reopening = selectors.settlement_reopening(pk)
    if reopening is None or decision not in REOPENING_DECISIONS:
        raise Http404
    _visible(request, reopening.settlement.department_id)
    try:
        REOPENING_DECISIONS[decision](
            reopening, user=request.user, note=request.POST.get("note", "")
        )
        messages.success(request, _("Done."))
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("scoring:settlement", reopening.settlement_id)


EXPORT_COLUMNS = [
    ("employee.number", gettext_lazy("Employee number")),
    ("employee.name", gettext_lazy("Name")),
    ("final_score", gettext_lazy("Final score")),
    ("deduction", gettext_lazy("Tier deduction")),
    ("attendance_bonus", gettext_lazy("Attendance bonus")),
    ("performance_bonus", gettext_lazy("Performance bonus")),
    ("award", gettext_lazy("Award")),
    ("cash_fines", gettext_lazy("Cash fines")),
    ("cash_awards", gettext_lazy("Cash awards")),
    ("supervisor_bonus", gettext_lazy("Supervisor team bonus")),
    ("supervisor_fine", gettext_lazy("Supervisor fine")),
    ("net_amount", gettext_lazy("Net amount")),
    ("dismissal", gettext_lazy("Dismissal")),
]


def _value(line, path: str):
    value = line
    for part in path.split("."):
        value = getattr(value, part)
    return value


@login_required
def settlement_export(request, pk: int):
    """SCR-04: the payroll sheet as an Excel file (one row per employee)."""
    from openpyxl import Workbook

    settlement = _settlement_for(request, pk)
    book = Workbook()
    sheet = book.active
    sheet.title = settlement.month.strftime("%Y-%m")
    sheet.append([str(label) for _, label in EXPORT_COLUMNS])
    for line in selectors.settlement_lines(settlement):
        row = []
        for path, _label in EXPORT_COLUMNS:
            value = _value(line, path)
            row.append(str(_("Yes")) if value is True else ("" if value is False else value))
        sheet.append(row)
    sheet.append([])
    sheet.append([str(_("State")), settlement.get_state_display()])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"scores-{settlement.department.code}-{settlement.month:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def statement(request, pk: int, employee_id: int):
    """A printable statement of one employee's month: events and figures."""
    settlement = selectors.settlement_with_department(pk)
    if settlement is None:
        raise Http404
    line = selectors.settlement_line_of(settlement, employee_id)
    if line is None:
        raise Http404(_("No line for this employee; compute the sheet first."))
    if not selectors.statement_visible_to(request.user, line.employee, settlement.department_id):
        raise PermissionDenied
    events = selectors.score_events([employee_id], settlement.month)
    return render(
        request,
        "staffing/scoring/statement.html",
        {
            "settlement": settlement,
            "line": line,
            "events": events,
            "policy": ScoringPolicy.current(),
        },
    )
