"""Employee and supervisor pages (non-admin, the admin's look, both languages).

Views only collect input and call services; every refusal is shown rule by rule in the user's
language."""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from courier.core.errors import ApplicationError
from staffing import selectors
from staffing.forms import (
    AnswerForm,
    CorrectionForm,
    HandoverForm,
    LeaveForm,
    SwapForm,
)
from staffing.models import (
    CalendarFeed,
    Direction,
    HandoverNote,
    LeaveRequest,
    Punch,
    PunchCorrection,
    RosterKind,
    SwapRequest,
)
from staffing.services import attendance as attendance_services
from staffing.services import handover as handover_services
from staffing.services import leave as leave_services
from staffing.services import swaps as swap_services
from staffing.services.errors import StaffingError
from staffing.services.roster import calendar_feed_get_or_create


class EmployeePageMixin(LoginRequiredMixin):
    """The logged-in person's Employee profile; the page wears the admin's look."""

    title = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.employee = selectors.employee_for_user(request.user)
        if self.employee is None:
            raise PermissionDenied(_("Your login has no employee profile."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context.update(
            has_permission=True,
            title=self.title,
            employee=self.employee,
            is_supervisor=selectors.employee_has_reports(self.employee),
        )
        return context


def show_error(request, exc: ApplicationError) -> None:
    """A service's refusal (``StaffingError``, ``ScoringError``), one message per rule."""
    for text in exc.messages:
        messages.error(request, text)


class RosterView(EmployeePageMixin, TemplateView):
    """My roster, my requests, and what waits for my answer."""

    template_name = "staffing/roster.html"
    title = gettext_lazy("My roster")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        feed = calendar_feed_get_or_create(self.employee)
        context.update(
            selectors.roster_page(self.employee, today),
            today=today,
            feed_url=self.request.build_absolute_uri(
                reverse("staffing:calendar", args=[feed.token])
            ),
        )
        return context


class ServiceFormView(EmployeePageMixin, FormView):
    """A form page whose valid input goes to one service (``perform``); a refusal re-shows it."""

    template_name = "staffing/form.html"
    success = ""
    form_takes_employee = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "employee": self.employee} if self.form_takes_employee else kwargs

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except ApplicationError as exc:  # a rule refused (StaffingError) or scoring did
            show_error(self.request, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success)
        return redirect("staffing:roster")


class SwapCreateView(ServiceFormView):
    form_class = SwapForm
    title = gettext_lazy("Request a shift swap")
    success = gettext_lazy("Swap requested; your colleague has been asked.")

    def perform(self, form):
        data = form.cleaned_data
        swap_services.swap_request_create(
            requester=self.employee,
            colleague=data["colleague"],
            date=data["date"],
            back_date=data["back_date"],
            reason=data["reason"],
            handover_note=data["handover_note"],
        )


class LeaveCreateView(ServiceFormView):
    form_class = LeaveForm
    title = gettext_lazy("Request leave")
    success = gettext_lazy("Leave requested.")

    def perform(self, form):
        data = form.cleaned_data
        leave_services.leave_request_create(
            requester=self.employee,
            entry=data["entry"],
            leave_type=data["leave_type"],
            addressed_to=data["addressed_to"],
            cover=data["cover"],
            reason=data["reason"],
        )


class CorrectionCreateView(ServiceFormView):
    form_class = CorrectionForm
    title = gettext_lazy("Explain a forgotten punch")
    success = gettext_lazy("Punch correction sent to your supervisor.")
    form_takes_employee = False

    def perform(self, form):
        attendance_services.punch_correction_file(
            employee=self.employee,
            direction=form.cleaned_data["direction"],
            at=form.punch_at(),
            reason=form.cleaned_data["reason"],
        )


class HandoverCreateView(ServiceFormView):
    form_class = HandoverForm
    title = gettext_lazy("Write a handover note")
    success = gettext_lazy("Handover note written.")

    def perform(self, form):
        handover_services.handover_note_write(
            author=self.employee,
            entry=form.cleaned_data["entry"],
            body=form.cleaned_data["body"],
        )


class PostActionView(EmployeePageMixin, View):
    """A one-click POST that calls one service and returns to ``next_url``."""

    next_url = "staffing:roster"
    success = ""

    def act(self, request, pk):
        raise NotImplementedError

    def post(self, request, pk):
        try:
            self.act(request, pk)
        except ApplicationError as exc:  # a rule refused (StaffingError) or scoring did
            show_error(request, exc)
        except (SwapRequest.DoesNotExist, LeaveRequest.DoesNotExist):
            raise Http404 from None
        except (PunchCorrection.DoesNotExist, HandoverNote.DoesNotExist):
            raise Http404 from None
        else:
            messages.success(request, self.success)
        return redirect(self.next_url)


class SwapAnswerView(PostActionView):
    success = gettext_lazy("Answer sent.")

    def act(self, request, pk):
        form = AnswerForm(request.POST)
        if not form.is_valid():
            raise StaffingError(_("Choose to agree or decline."))
        swap_services.swap_request_answer(
            pk,
            colleague=self.employee,
            accept=form.cleaned_data["accept"] == "yes",
            reason=form.cleaned_data["reason"],
        )


class LeaveAnswerView(PostActionView):
    success = gettext_lazy("Answer sent.")

    def act(self, request, pk):
        form = AnswerForm(request.POST)
        if not form.is_valid():
            raise StaffingError(_("Choose to agree or decline."))
        leave_services.leave_request_answer(
            pk,
            cover=self.employee,
            accept=form.cleaned_data["accept"] == "yes",
            reason=form.cleaned_data["reason"],
        )


class SwapCancelView(PostActionView):
    success = gettext_lazy("Request cancelled.")

    def act(self, request, pk):
        swap_services.swap_request_cancel(pk, requester=self.employee)


class LeaveCancelView(PostActionView):
    success = gettext_lazy("Request cancelled.")

    def act(self, request, pk):
        leave_services.leave_request_cancel(pk, requester=self.employee)


class HandoverAcknowledgeView(PostActionView):
    success = gettext_lazy("Handover acknowledged.")

    def act(self, request, pk):
        handover_services.handover_note_acknowledge(pk, employee=self.employee)


class PunchView(EmployeePageMixin, View):
    """ATT-01: clock in or out from the web (source: web)."""

    def post(self, request):
        direction = request.POST.get("direction")
        if direction not in Direction.values:
            messages.error(request, _("Choose clock in or clock out."))
        else:
            clocking = attendance_services.punch_clock(
                self.employee, direction=direction, source=Punch.Source.WEB
            )
            _clocking_message(request, clocking)
        return redirect("staffing:roster")


def _clocking_message(request, clocking) -> None:
    """ATT-01: what the click did, in words: recorded, repeated (nothing recorded) or late."""
    punch = clocking.punch
    values = {
        "what": punch.get_direction_display(),
        "time": timezone.localtime(punch.at).strftime("%H:%M"),
    }
    if clocking.repeated:
        messages.info(
            request,
            _("%(what)s was already recorded at %(time)s; nothing new was recorded.") % values,
        )
    elif clocking.late_minutes:
        messages.warning(
            request,
            ngettext(
                "%(what)s recorded at %(time)s: %(minutes)d minute late for the session "
                "starting at %(start)s; the day is counted as late.",
                "%(what)s recorded at %(time)s: %(minutes)d minutes late for the session "
                "starting at %(start)s; the day is counted as late.",
                clocking.late_minutes,
            )
            % {
                **values,
                "minutes": clocking.late_minutes,
                "start": timezone.localtime(clocking.session_start).strftime("%H:%M"),
            },
        )
    else:
        messages.success(request, _("%(what)s recorded at %(time)s.") % values)


def calendar_feed(request, token):
    """An iCalendar feed of one employee's published roster; the secret token is the key."""
    from icalendar import Calendar, Event

    feed = get_object_or_404(CalendarFeed.objects.select_related("employee"), token=token)
    today = timezone.localdate()
    cal = Calendar()
    cal.add("prodid", "-//courier ops//staffing roster//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{feed.employee.name} roster")
    stamp = timezone.now()
    for entry in selectors.calendar_feed_entries(feed.employee, today):
        if entry.kind == RosterKind.DUTY:
            for i, (start, end) in enumerate(entry.session_times(), start=1):
                event = Event()
                event.add("uid", f"roster-{entry.pk}-{i}@courier")
                event.add("dtstamp", stamp)
                event.add("dtstart", start)
                event.add("dtend", end)
                event.add("summary", str(entry.shift_type))
                if entry.leave_id:
                    event.add("description", _("On leave"))
                cal.add_component(event)
        elif entry.duty:
            event = Event()
            event.add("uid", f"roster-{entry.pk}@courier")
            event.add("dtstamp", stamp)
            event.add("dtstart", entry.date)
            event.add("dtend", entry.date + dt.timedelta(days=1))
            event.add("summary", entry.duty)
            cal.add_component(event)
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
