"""CMP-14 (the shop's refunds and disputes queue) and INC-05 (emergency plans and review
seminars) in the admin; every write goes through the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from complaints import services
from complaints.models import EmergencyPlan, EmergencySeminar, PlatformCase, PostAuthority
from complaints.services import platform_cases as cases
from courier.core.admin.history import ChangeReasonMixin
from courier.core.admin.workflow import ServiceAction, ServiceActionsMixin
from courier.core.errors import ApplicationError


class PlatformCaseImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: kind (refund/dispute or 退款中/维权中), platform_order_ref, "
            "platform_deadline (YYYY-MM-DD HH:MM); optional buyer_ref, amount, owner (login), "
            "note, waybill_number"
        ),
    )


class RemindForm(forms.Form):
    # Found by number or name as the person types (the supervisor does not read employee rows).
    owner = forms.ModelChoiceField(
        label=_("after-sales owner"),
        queryset=None,
        required=False,
        widget=AutocompleteSelect(PlatformCase._meta.get_field("owner"), admin.site),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from staffing.selectors import employees_active

        self.fields["owner"].queryset = employees_active()


class HandleForm(forms.Form):
    handling = forms.CharField(label=_("handling"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=PlatformCase.Outcome.choices)


class RecoverForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("A9 cancelled because"),
        choices=[
            ("goods_recovered", _("The goods were later recovered from the customer")),
            ("full_price_paid", _("The customer agreed to pay the goods' full price")),
        ],
    )
    note = forms.CharField(label=_("note"), required=False)


PLATFORM_CASE_ADD_FIELDS = [
    "kind",
    "platform_order_ref",
    "platform_deadline",
    "buyer_ref",
    "amount",
    "owner",
    "shipment",
    "note",
]


@admin.register(PlatformCase)
class PlatformCaseAdmin(ServiceActionsMixin, SimpleHistoryAdmin):
    """CMP-14: the supervisor's daily queue, by platform deadline; added by hand or imported."""

    list_display = [
        "platform_order_ref",
        "kind",
        "platform_deadline",
        "overdue",
        "owner",
        "reminded_at",
        "handled_at",
        "state",
        "outcome",
    ]
    list_filter = ["state", "kind", "outcome", "source"]
    list_select_related = ["owner"]
    search_fields = ["=platform_order_ref", "=buyer_ref"]
    autocomplete_fields = ["shipment", "owner"]  # by waybill number; by number or name
    change_list_template = "complaints/admin/platformcase_change_list.html"
    service_actions_available = staticmethod(cases.platform_case_steps_available)
    service_actions = {
        "remind": ServiceAction(
            _("Remind after-sales"),
            lambda r, o, d: cases.platform_case_remind(o, user=r.user, owner=d["owner"]),
            form=RemindForm,
        ),
        "handle": ServiceAction(
            _("Handled"),
            lambda r, o, d: cases.platform_case_handle(o, user=r.user, handling=d["handling"]),
            form=HandleForm,
        ),
        "close": ServiceAction(
            _("Close with outcome"),
            lambda r, o, d: cases.platform_case_close(o, user=r.user, outcome=d["outcome"]),
            form=OutcomeForm,
        ),
        "recover": ServiceAction(
            _("Goods recovered or full price paid (cancels A9)"),
            lambda r, o, d: cases.platform_case_recover(
                o, user=r.user, condition=d["condition"], note=d["note"]
            ),
            form=RecoverForm,
        ),
    }

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.state == "open" and obj.platform_deadline < timezone.now()

    def get_fields(self, request, obj=None):
        if obj is None:
            return PLATFORM_CASE_ADD_FIELDS
        return [f.name for f in PlatformCase._meta.fields if f.name != "id"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_add_permission(self, request):
        return request.user.has_perm(cases.P_REVIEW)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = cases.platform_case_add(
            user=request.user, **{name: data.get(name) for name in PLATFORM_CASE_ADD_FIELDS}
        )
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        """The service saved everything."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="complaints_platformcase_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PlatformCaseImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = cases.platform_cases_import(
                    user=request.user, upload=form.cleaned_data["file"]
                )
            except ApplicationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("%(n)s orders added to the queue.") % {"n": len(result.created)}
                )
                for line, error in result.errors:
                    messages.error(
                        request, _("Line %(line)s: %(error)s") % {"line": line, "error": error}
                    )
                return HttpResponseRedirect(reverse("admin:complaints_platformcase_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Import the shop's refunds and disputes"),
        }
        return TemplateResponse(request, "complaints/admin/servicelevel_import.html", context)


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    """INC-05: one plan in force per partner project; edited by the manager and HQ."""

    list_display = ["partner", "title", "in_force", "updated_at"]
    list_filter = ["in_force", "partner"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]

    def has_delete_permission(self, request, obj=None):
        return False


class PostAuthorityInline(admin.TabularInline):
    model = PostAuthority
    fields = ["post", "authority"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SeminarForm(forms.ModelForm):
    authorities = forms.CharField(
        label=_("each post's authority"),
        help_text=_("One line per post: “post: authority”."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = EmergencySeminar
        fields = ["held_on", "kind", "partner", "plan", "attendees", "process_review"]


@admin.register(EmergencySeminar)
class EmergencySeminarAdmin(admin.ModelAdmin):
    """INC-05: recorded through the service, with each post's authority; never edited."""

    list_display = ["held_on", "kind", "partner", "plan"]
    list_filter = ["kind", "partner"]
    list_select_related = ["partner", "plan__partner"]  # nullable: not followed by default
    autocomplete_fields = ["partner"]
    filter_horizontal = ["attendees"]
    inlines = [PostAuthorityInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SeminarForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*SeminarForm.Meta.fields, "authorities"]
        return ["held_on", "kind", "partner", "plan", "attendees", "process_review", "recorded_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        seminar = services.emergency_seminar_record(
            user=request.user,
            held_on=data["held_on"],
            kind=data["kind"],
            partner=data.get("partner"),
            plan=data.get("plan"),
            attendees=list(data["attendees"]),
            process_review=data["process_review"],
            authorities=services.post_authorities_parse(data["authorities"]),
        )
        obj.pk = seminar.pk

    def save_related(self, request, form, formsets, change):
        """The service saved everything."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
