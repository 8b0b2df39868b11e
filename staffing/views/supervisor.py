"""Supervisor pages: the single approval page (STF-09) and the chat-status forms (ATT-03)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin

from courier.core.errors import ApplicationError
from staffing import selectors
from staffing.forms import ChatBreachForm, ChatOfflineForm, DecisionForm
from staffing.models import LeaveRequest, PunchCorrection, SwapRequest
from staffing.services import attendance as attendance_services
from staffing.services import chat as chat_services
from staffing.services import leave as leave_services
from staffing.services import swaps as swap_services
from staffing.views.staff import EmployeePageMixin, show_error


class ApprovalsView(EmployeePageMixin, TemplateView):
    """STF-09: one page with the pending requests of the supervisor's own reports, each rule's
    result, and who is on duty on the affected days."""

    template_name = "staffing/approvals.html"
    title = gettext_lazy("Approvals")

    page_size = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = selectors.pending_for_supervisor(self.employee)
        # One page of the pending requests (swaps, then leaves, then corrections): the rules
        # and the duty roster are looked up for that page only.
        kinds = ("swaps", "leaves", "corrections")
        queue = [(kind, obj) for kind in kinds for obj in pending[kind]]
        page = Paginator(queue, self.page_size).get_page(self.request.GET.get("page"))
        pending = {kind: [obj for k, obj in page.object_list if k == kind] for kind in pending}
        context["page_obj"] = page
        duty = selectors.pending_duty(self.employee.department_id, pending)
        # Every rule's facts for the whole page at once: a constant number of queries.
        facts = selectors.approvals_facts(pending, approver=self.employee)
        policy = facts["policy"]
        swaps = [
            {
                "obj": s,
                "rules": swap_services.swap_rules_for(
                    s, approver=self.employee, facts=facts["swaps"][s.pk], policy=policy
                ),
                "duty": [(d, duty.get(d, [])) for d in s.dates()],
            }
            for s in pending["swaps"]
        ]
        leaves = [
            {
                "obj": leave,
                "rules": leave_services.leave_rules_for(
                    leave, approver=self.employee, facts=facts["leaves"][leave.pk]
                ),
                "duty": [(leave.entry.date, duty.get(leave.entry.date, []))],
            }
            for leave in pending["leaves"]
        ]
        corrections = [
            {
                "obj": c,
                "rules": attendance_services.correction_rules_for(
                    c,
                    approver=self.employee,
                    applied=facts["corrections"][c.pk],
                    policy=policy,
                ),
            }
            for c in pending["corrections"]
        ]
        context.update(swaps=swaps, leaves=leaves, corrections=corrections)
        return context


class DecisionView(EmployeePageMixin, ContextMixin, View):
    """Approve in one click, with a reason; a reject cannot be undone, so it first shows a
    confirmation page (plain HTML) and runs only from there."""

    def post(self, request, kind, pk):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or reject."))
            return redirect("staffing:approvals")
        approve = form.cleaned_data["decision"] == "approve"
        reason = form.cleaned_data["reason"]
        if not approve and not form.cleaned_data["confirmed"]:
            return self._confirm_reject(request, kind, pk, reason)
        services = {
            "swap": (
                lambda: swap_services.swap_request_approve(
                    pk, user=request.user, reason=reason, override=form.cleaned_data["override"]
                ),
                lambda: swap_services.swap_request_reject(pk, user=request.user, reason=reason),
                SwapRequest,
            ),
            "leave": (
                lambda: leave_services.leave_request_approve(pk, user=request.user, reason=reason),
                lambda: leave_services.leave_request_reject(pk, user=request.user, reason=reason),
                LeaveRequest,
            ),
            "correction": (
                lambda: attendance_services.punch_correction_approve(
                    pk, user=request.user, reason=reason
                ),
                lambda: attendance_services.punch_correction_reject(
                    pk, user=request.user, reason=reason
                ),
                PunchCorrection,
            ),
        }
        if kind not in services:
            raise Http404
        do_approve, do_reject, model = services[kind]
        get_object_or_404(model, pk=pk)
        try:
            (do_approve if approve else do_reject)()
        except ApplicationError as exc:  # a rule refused (StaffingError) or scoring did
            show_error(request, exc)
        else:
            messages.success(request, _("Approved.") if approve else _("Rejected."))
        return redirect("staffing:approvals")

    def _confirm_reject(self, request, kind, pk, reason):
        models = {"swap": SwapRequest, "leave": LeaveRequest, "correction": PunchCorrection}
        if kind not in models:
            raise Http404
        obj = get_object_or_404(models[kind], pk=pk)
        self.title = _("Reject: %(request)s") % {"request": obj}
        context = self.get_context_data(kind=kind, pk=pk, obj=obj, reason=reason)
        return TemplateResponse(request, "staffing/confirm_reject.html", context)


class SupervisorFormView(EmployeePageMixin, FormView):
    """A form only a supervisor with direct reports uses."""

    template_name = "staffing/form.html"

    def get_form_kwargs(self):
        if not selectors.employee_has_reports(self.employee):
            raise PermissionDenied(_("Only supervisors with direct reports use this page."))
        return {**super().get_form_kwargs(), "supervisor": self.employee}


class ChatBreachView(SupervisorFormView):
    """ATT-03: record an observed chat-status breach of one of your reports."""

    form_class = ChatBreachForm
    title = gettext_lazy("Record a chat-status breach")

    def form_valid(self, form):
        try:
            chat_services.chat_breach_record(user=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:  # a rule refused (StaffingError) or scoring did
            show_error(self.request, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Breach recorded."))
        return redirect("staffing:approvals")


class ChatOfflineView(SupervisorFormView):
    """ATT-03: approve a report going offline or invisible for a while."""

    form_class = ChatOfflineForm
    title = gettext_lazy("Approve offline chat time")

    def form_valid(self, form):
        try:
            chat_services.chat_offline_approve(user=self.request.user, **form.cleaned_data)
        except ApplicationError as exc:  # a rule refused (StaffingError) or scoring did
            show_error(self.request, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Offline time approved."))
        return redirect("staffing:approvals")
