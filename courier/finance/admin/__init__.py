"""Admin of the finance domain. Who may see and do what: the ``courier.manage_finance``
permission (the finance role) keeps schedules, ledgers, statements and bank lines; the
``courier.approve_finance`` permission (managers) approves credit assessments and decides
disputes; both may view. Every rule number is a row edited here, with history."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.core.models import Partner
from courier.finance import selectors
from courier.finance.admin import forms as f
from courier.finance.errors import FinanceInvalid
from courier.finance.models import (
    BankTransaction,
    BankTransferCustomer,
    BankTransferOrder,
    CreditAssessment,
    CreditHold,
    FeeItem,
    FeeLane,
    FeeRegion,
    FeeSchedule,
    FeeScheduleVersion,
    FinanceSettings,
    InsuranceRate,
    LedgerEntry,
    PartnerAccount,
    ReconciliationItem,
    ShipmentFeeLine,
    Statement,
    StatementDispute,
    StatementLine,
)
from courier.finance.services import bank, exports, ledger, statements

P_MANAGE = "courier.manage_finance"
P_APPROVE = "courier.approve_finance"


def _may_view(request) -> bool:
    return request.user.has_perm(P_MANAGE) or request.user.has_perm(P_APPROVE)


class FinanceAdmin(SimpleHistoryAdmin):
    """Viewed by finance and managers; kept by finance; never deleted."""

    def has_module_permission(self, request):
        return _may_view(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _may_view(request)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(P_MANAGE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(P_MANAGE)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyFinanceAdmin(FinanceAdmin):
    """Rows written only by services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WorkflowAdmin(ServiceActionsMixin, ReadOnlyFinanceAdmin):
    pass


@admin.register(FinanceSettings)
class FinanceSettingsAdmin(ChangeReasonMixin, FinanceAdmin):
    list_display = ["__str__", "credit_warn_share", "dispute_due_days", "payment_due_days"]

    def has_add_permission(self, request, obj=None):
        # One row, seeded by the data migration (asking the database here would cost a query on
        # every admin page, whose sidebar asks every model admin).
        return False

    def has_change_permission(self, request, obj=None):
        # Issue 12: the finance rule numbers are the manager's (finance reads them).
        return request.user.has_perm(P_APPROVE)


@admin.register(FeeRegion)
class FeeRegionAdmin(ChangeReasonMixin, FinanceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "provinces"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from courier.finance.services.fees import cache_clear

        cache_clear()


class LaneInline(admin.TabularInline):
    model = FeeLane
    extra = 0
    autocomplete_fields = ["origin", "destination"]


class InsuranceInline(admin.TabularInline):
    model = InsuranceRate
    extra = 0


class ItemInline(admin.TabularInline):
    model = FeeItem
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(ChangeReasonMixin, FinanceAdmin):
    list_display = ["code", "name", "partner", "whole_yuan"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    search_fields = ["code", "name", "partner__code"]


@admin.register(FeeScheduleVersion)
class FeeScheduleVersionAdmin(ChangeReasonMixin, FinanceAdmin):
    """FIN-01: a version's prices: lanes (with their divisors), insurance and fee items."""

    form = f.FeeScheduleVersionForm
    list_display = ["schedule", "effective_from", "effective_to", "revision"]
    list_filter = ["schedule"]
    list_select_related = ["schedule"]
    inlines = [LaneInline, InsuranceInline, ItemInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        version = form.instance
        version.revision += 1
        version._history_user = request.user
        version.save(update_fields=["revision"])


@admin.register(PartnerAccount)
class PartnerAccountAdmin(ServiceActionsMixin, FinanceAdmin):
    list_display = [
        "partner",
        "credit_limit",
        "prepayment_ratio",
        "statement_period",
        "pays_by_bank_transfer",
    ]
    list_select_related = ["partner"]
    search_fields = ["partner__code", "partner__name"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["balance", "exposure"]
    service_actions = {
        "post": ServiceAction(
            _("Post a ledger entry"),
            lambda r, o, d: ledger.ledger_post(
                o.partner,
                d["kind"],
                d["amount"],
                user=r.user,
                reason=d["reason"],
                purpose=d.get("purpose") or "",
                reference=d.get("reference") or "",
            ),
            form=f.LedgerPostForm,
            permission="view",
        ),
        "assess": ServiceAction(
            _("Record a credit assessment"),
            lambda r, o, d: ledger.credit_assessment_record(o.partner, user=r.user, **d),
            form=f.AssessmentForm,
            permission="view",
        ),
    }

    def get_readonly_fields(self, request, obj=None):
        # Credit terms change only through an approved assessment.
        base = ["balance", "exposure"]
        if obj is not None:
            base += ["partner", "credit_limit", "prepayment_ratio", "max_shipment_amount"]
        return base

    @admin.display(description=_("ledger balance"))
    def balance(self, obj):
        return ledger.partner_balance(obj.partner) if obj.pk else "-"

    @admin.display(description=_("exposure"))
    def exposure(self, obj):
        return ledger.partner_exposure(obj.partner) if obj.pk else "-"


@admin.register(ShipmentFeeLine)
class ShipmentFeeLineAdmin(ReadOnlyFinanceAdmin):
    list_display = [
        "shipment",
        "kind",
        "code",
        "amount",
        "chargeable_kg",
        "statement",
        "created_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["shipment", "statement"]
    search_fields = ["=shipment__waybill_number"]
    raw_id_fields = ["shipment", "statement"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(WorkflowAdmin):
    list_display = ["created_at", "partner", "kind", "purpose", "amount", "reference", "reason"]
    list_filter = ["kind", "purpose"]
    list_select_related = ["partner"]
    search_fields = ["partner__code", "reference"]
    service_actions = {
        "reverse": ServiceAction(
            _("Reverse (correction)"),
            lambda r, o, d: ledger.ledger_reverse(o, user=r.user, reason=d["reason"]),
            form=f.ReasonForm,
            permission="view",
        ),
    }


@admin.register(CreditHold)
class CreditHoldAdmin(WorkflowAdmin):
    list_display = ["shipment", "partner", "amount", "exposure", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["shipment", "partner"]
    service_actions = {
        "release": ServiceAction(
            _("Release (override)"),
            lambda r, o, d: ledger.credit_hold_release(o, user=r.user, reason=d["reason"]),
            form=f.ReasonForm,
            transition="release",
            permission="view",
        ),
        "cancel": ServiceAction(
            _("Cancel the hold"),
            lambda r, o, d: ledger.credit_hold_cancel(o, user=r.user, reason=d["reason"]),
            form=f.ReasonForm,
            transition="cancel",
            irreversible=True,
            permission="view",
        ),
    }


@admin.register(CreditAssessment)
class CreditAssessmentAdmin(WorkflowAdmin):
    list_display = ["partner", "grade", "credit_limit", "prepayment_ratio", "state", "created_at"]
    list_filter = ["state", "grade"]
    list_select_related = ["partner"]
    service_actions = {
        "approve": ServiceAction(
            _("Approve"),
            lambda r, o, d: ledger.credit_assessment_decide(o, user=r.user, approve=True),
            confirm=True,
            transition="approve",
            permission=lambda o, u: u.has_perm(P_APPROVE),
        ),
        "reject": ServiceAction(
            _("Reject"),
            lambda r, o, d: ledger.credit_assessment_decide(
                o, user=r.user, approve=False, reason=d["reason"]
            ),
            form=f.ReasonForm,
            transition="reject",
            irreversible=True,
            permission=lambda o, u: u.has_perm(P_APPROVE),
        ),
    }


class LineInline(admin.TabularInline):
    model = StatementLine
    fields = [
        "number",
        "kind",
        "waybill_number",
        "weight_kg",
        "amount",
        "receipt_signed",
        "partner_state",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


def _statement_for(number: str):
    statement = Statement.objects.filter(number=number.strip()).first()
    if statement is None:
        raise FinanceInvalid({"statement_number": _("No statement with this number.")})
    return statement


def _partner_for(code: str):
    partner = Partner.objects.filter(code=code.strip()).first()
    if partner is None:
        raise FinanceInvalid({"partner_code": _("No partner with this code.")})
    return partner


def _reconcile_message(counts: dict[str, int]) -> str:
    """FIN-03: the count per class in words (the class labels, never their codes)."""
    labels = dict(ReconciliationItem.Result.choices)
    parts = ", ".join(f"{labels.get(k, k)}: {n}" for k, n in counts.items())
    return _("Checked against the partner's figures: %(counts)s.") % {"counts": parts}


@admin.register(Statement)
class StatementAdmin(WorkflowAdmin):
    """FIN-03: statements both ways; print view, Excel export and the receivables ageing."""

    list_display = [
        "number",
        "partner",
        "station",
        "period_start",
        "version",
        "state",
        "total",
        "print_link",
    ]
    list_filter = ["state", "period_kind"]
    list_select_related = ["partner", "station"]
    search_fields = ["number", "partner__code", "station__code"]
    inlines = [LineInline]
    change_list_template = "finance/statement_changelist.html"
    service_actions = {
        "issue": ServiceAction(
            _("Issue"),
            lambda r, o, d: statements.statement_issue(o, user=r.user),
            confirm=True,
            transition="issue",
            permission="view",
        ),
        "confirm": ServiceAction(
            _("Record the partner's confirmation"),
            lambda r, o, d: statements.statement_confirm(o, user=r.user),
            confirm=True,
            transition="confirm",
            permission=lambda o, u: u.has_perm(P_MANAGE),
        ),
        "dispute": ServiceAction(
            _("Record a dispute of the statement"),
            lambda r, o, d: statements.statement_dispute(o, user=r.user, **d),
            form=f.DisputeForm,
            transition="dispute",
            permission=lambda o, u: u.has_perm(P_MANAGE),
        ),
        "reissue": ServiceAction(
            _("Reissue as the next version"),
            lambda r, o, d: statements.statement_reissue(o, user=r.user),
            confirm=True,
            transition="supersede",
            permission="view",
        ),
        "reconcile": ServiceAction(
            _("Check against the partner's figures"),
            lambda r, o, d: _reconcile_message(
                statements.statement_reconcile(o, d["file"], user=r.user)
            ),
            form=f.UploadForm,
            available=lambda o, u: o.state not in ("draft", "superseded", "closed"),
            permission="view",
        ),
        "settle": ServiceAction(
            _("Settle"),
            lambda r, o, d: statements.statement_settle(o, user=r.user),
            confirm=True,
            transition="settle",
            permission="view",
        ),
        "close": ServiceAction(
            _("Close"),
            lambda r, o, d: statements.statement_close(o, user=r.user),
            confirm=True,
            transition="close",
            permission="view",
        ),
    }

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/print/", wrap(self.print_view), name="courier_statement_print"),
            path("<int:pk>/xlsx/", wrap(self.xlsx_view), name="courier_statement_xlsx"),
            path("ageing/", wrap(self.ageing_view), name="courier_statement_ageing"),
            *super().get_urls(),
        ]

    @admin.display(description=_("print"))
    def print_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:courier_statement_print", args=[obj.pk]),
            _("print"),
            reverse("admin:courier_statement_xlsx", args=[obj.pk]),
            _("Excel"),
        )

    def _statement(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Statement.objects.select_related("partner", "station"), pk=pk)

    def print_view(self, request, pk):
        """FIN-03/07: the statement's print view (Chinese, A4, no admin chrome)."""
        statement = self._statement(request, pk)
        return TemplateResponse(
            request,
            "finance/statement_print.html",
            {
                "statement": statement,
                "rows": selectors.statement_rows(statement),
                "headers": exports.statement_headers(),
            },
        )

    def xlsx_view(self, request, pk):
        statement = self._statement(request, pk)
        response = HttpResponse(
            exports.statement_xlsx(statement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{statement.number}.xlsx"'
        return response

    def ageing_view(self, request):
        """FIN-03/07: receivables ageing per partner, for finance and managers."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        names = selectors.ageing_bucket_names()
        rows = [
            {
                "partner": row["partner"],
                "total": row["total"],
                "cells": [row["buckets"].get(n) for n in names],
            }
            for row in selectors.receivables_ageing()
        ]
        return TemplateResponse(
            request,
            "finance/ageing.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Receivables ageing"),
                "names": names,
                "rows": rows,
            },
        )


@admin.register(StatementDispute)
class StatementDisputeAdmin(WorkflowAdmin):
    list_display = [
        "statement",
        "line",
        "disputed_amount",
        "responsible_role",
        "due_at",
        "state",
        "outcome",
    ]
    list_filter = ["state", "outcome", "responsible_role"]
    list_select_related = ["statement", "line"]
    service_actions = {
        "resolve": ServiceAction(
            _("Decide"),
            lambda r, o, d: statements.dispute_resolve(o, user=r.user, **d),
            form=f.ResolveForm,
            transition="resolve",
            permission=lambda o, u: u.has_perm(P_APPROVE),
        ),
    }


@admin.register(ReconciliationItem)
class ReconciliationItemAdmin(WorkflowAdmin):
    list_display = [
        "statement",
        "waybill_number",
        "result",
        "our_amount",
        "their_amount",
        "our_weight_kg",
        "their_weight_kg",
        "is_open",
    ]
    list_filter = ["is_open", "result"]
    list_select_related = ["statement"]
    search_fields = ["waybill_number", "statement__number"]
    service_actions = {
        "close": ServiceAction(
            _("Close with follow-up"),
            lambda r, o, d: statements.reconciliation_item_close(
                o, user=r.user, follow_up=d["follow_up"]
            ),
            form=f.FollowUpForm,
            available=lambda o, u: o.is_open,
            permission="view",
        ),
    }


def _shipment_for(waybill_number: str):
    from courier.shipments.selectors import shipments_all

    shipment = shipments_all().filter(waybill_number=waybill_number.strip()).first()
    if shipment is None:
        raise FinanceInvalid({"waybill_number": _("No shipment with this waybill number.")})
    return shipment


@admin.register(BankTransferCustomer)
class BankTransferCustomerAdmin(ServiceActionsMixin, FinanceAdmin):
    """FIN-05: the bank-transfer register (銀行轉賬明細表); each customer's orders are entered
    here and followed in "Bank-transfer orders" until their transfer goes through."""

    list_display = ["account_name", "partner", "bank_name", "account_last4"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    service_actions = {
        "register_order": ServiceAction(
            _("Register an order awaiting transfer"),
            lambda r, o, d: bank.bank_transfer_order_register(
                o,
                _shipment_for(d["waybill_number"]),
                user=r.user,
                amount=d["amount"],
                due_on=d["due_on"],
            ),
            form=f.TransferOrderForm,
            permission="view",
        ),
    }


class TransferOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Transfer overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            overdue = selectors.bank_transfer_orders_overdue()
            return queryset.filter(pk__in=overdue.values("pk"))
        return queryset


@admin.register(BankTransferOrder)
class BankTransferOrderAdmin(WorkflowAdmin):
    """FIN-05: the register's orders followed to payment: awaiting (overdue ones under the
    "overdue" filter), paid when the bank import (or finance by hand) matches their transfer."""

    list_display = [
        "waybill_number",
        "customer",
        "partner",
        "amount",
        "due_on",
        "state",
        "paid_at",
        "bank_transaction",
    ]
    list_filter = ["state", TransferOverdueFilter, "due_on"]
    list_select_related = ["customer", "partner", "bank_transaction"]
    search_fields = ["=waybill_number", "customer__account_name"]
    service_actions = {
        "cancel": ServiceAction(
            _("Take off the register"),
            lambda r, o, d: bank.bank_transfer_order_cancel(o, user=r.user, reason=d["reason"]),
            form=f.ReasonForm,
            transition="cancel",
            permission="view",
        ),
    }


@admin.register(BankTransaction)
class BankTransactionAdmin(WorkflowAdmin):
    """FIN-05: imported bank lines; the unmatched queue is the list filtered by state."""

    list_display = [
        "bank_id",
        "booked_on",
        "amount",
        "payer_name",
        "reference",
        "state",
        "statement",
    ]
    list_filter = ["state"]
    list_select_related = ["statement"]
    search_fields = ["bank_id", "reference", "payer_name"]
    change_list_template = "finance/bank_changelist.html"
    service_actions = {
        "assign": ServiceAction(
            _("Match by hand"),
            lambda r, o, d: bank.bank_transaction_assign(
                o,
                user=r.user,
                statement=_statement_for(d["statement_number"]) if d["statement_number"] else None,
                partner=_partner_for(d["partner_code"]) if d["partner_code"] else None,
            ),
            form=f.AssignForm,
            available=lambda o, u: o.state == "unmatched",
            permission="view",
        ),
        "ignore": ServiceAction(
            _("Ignore"),
            lambda r, o, d: bank.bank_transaction_ignore(o, user=r.user, reason=d["reason"]),
            form=f.ReasonForm,
            transition="ignore",
            permission="view",
        ),
    }

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="courier_banktransaction_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        from django.contrib import messages
        from django.core.exceptions import ValidationError
        from django.http import HttpResponseRedirect

        if not request.user.has_perm(P_MANAGE):
            raise PermissionDenied
        form = f.UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                counts = bank.bank_statement_import(form.cleaned_data["file"], user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    _(
                        "Bank statement imported: %(imported)s lines (%(matched)s matched, "
                        "%(unmatched)s unmatched), %(skipped)s already known and skipped."
                    )
                    % counts,
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:courier_banktransaction_changelist") + "?state__exact=unmatched"
                )
        return TemplateResponse(
            request,
            "admin/courier/service_action.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Import a bank statement"),
                "form": form,
                "action_label": _("Import"),
                "change_url": reverse("admin:courier_banktransaction_changelist"),
                "media": self.media + form.media,
            },
        )
