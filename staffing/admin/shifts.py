"""Admin of the holiday calendar, shift types, policy, roster patterns and the roster."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from staffing.admin.access import SupervisorLineMixin
from staffing.models import (
    CalendarFeed,
    Holiday,
    RosterChange,
    RosterEntry,
    RosterPattern,
    RosterPatternMember,
    RosterPatternStep,
    ShiftSession,
    ShiftType,
    StaffingPolicy,
)
from staffing.services.roster import roster_generate, roster_publish


@admin.register(StaffingPolicy)
class StaffingPolicyAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "swap_lead_hours",
        "swap_monthly_limit",
        "correction_window_hours",
        "correction_monthly_limit",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not StaffingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]


class ShiftSessionInline(admin.TabularInline):
    model = ShiftSession
    extra = 0


@admin.register(ShiftType)
class ShiftTypeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "is_late", "is_active"]
    list_filter = ["is_late", "is_active"]
    inlines = [ShiftSessionInline]


class StepInline(admin.TabularInline):
    model = RosterPatternStep
    extra = 0


class MemberInline(admin.TabularInline):
    model = RosterPatternMember
    extra = 0
    autocomplete_fields = ["employee"]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    publish = forms.BooleanField(label=_("Publish at once"), required=False)


@admin.register(RosterPattern)
class RosterPatternAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "department", "rotation_days", "start_date", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    inlines = [StepInline, MemberInline]
    change_form_template = "staffing/admin/pattern_change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/generate/",
                self.admin_site.admin_view(self.generate_view),
                name="staffing_rosterpattern_generate",
            ),
            *super().get_urls(),
        ]

    def generate_view(self, request, pk):
        """STF-02: generate (and optionally publish) the roster of a period from the pattern."""
        pattern = self.get_object(request, pk)
        if pattern is None or not self.has_change_permission(request, pattern):
            return redirect("admin:staffing_rosterpattern_changelist")
        today = dt.date.today()
        form = PeriodForm(
            request.POST or None,
            initial={"start": max(today, pattern.start_date), "end": today + dt.timedelta(27)},
        )
        if request.method == "POST" and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            try:
                written = roster_generate(pattern, start, end, user=request.user)
                message = _("%(n)s entries generated.") % {"n": written}
                if form.cleaned_data["publish"]:
                    published = roster_publish(pattern, start, end, user=request.user)
                    message += " " + _("%(n)s entries published.") % {"n": published}
                self.message_user(request, message, messages.SUCCESS)
                return redirect(reverse("admin:staffing_rosterpattern_change", args=[pk]))
            except ValidationError as exc:  # a rule refused (StaffingError) or scoring did
                for text in exc.messages:
                    self.message_user(request, text, messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Generate the roster: %(name)s") % {"name": pattern},
            "form": form,
            "pattern": pattern,
            "opts": self.model._meta,
        }
        return render(request, "staffing/admin/pattern_generate.html", context)


class ChangeInline(admin.TabularInline):
    model = RosterChange
    extra = 0
    can_delete = False
    readonly_fields = [
        "cause",
        "old_shift_type",
        "new_shift_type",
        "reason",
        "changed_by",
        "changed_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RosterEntry)
class RosterEntryAdmin(SimpleHistoryAdmin):
    list_display = ["date", "employee", "kind", "shift_type", "duty", "status", "change_cause"]
    list_filter = ["kind", "status", "change_cause", "shift_type", "employee__department"]
    date_hierarchy = "date"
    search_fields = ["employee__name", "employee__number"]
    list_select_related = ["employee", "shift_type"]
    readonly_fields = ["swap", "leave", "change_cause", "published_at", "status"]
    autocomplete_fields = ["employee"]
    inlines = [ChangeInline]
    actions = ["publish_selected"]

    @admin.action(description=_("Publish the selected entries"))
    def publish_selected(self, request, queryset):
        total = 0
        for pattern_id, dates in _group(queryset.filter(status=RosterEntry.Status.DRAFT)):
            pattern = RosterPattern.objects.get(pk=pattern_id)
            total += roster_publish(pattern, min(dates), max(dates), user=request.user)
        self.message_user(request, _("%(n)s entries published.") % {"n": total})


def _group(queryset):
    groups = {}
    for pattern_id, day in queryset.exclude(pattern=None).values_list("pattern_id", "date"):
        groups.setdefault(pattern_id, []).append(day)
    return groups.items()


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SupervisorLineMixin, admin.ModelAdmin):
    """ORG-03: who has a feed, up the supervisor line; the secret token is never shown (the
    employee copies their own link on /staff/)."""

    list_display = ["employee", "created_at"]
    fields = ["employee", "created_at"]
    readonly_fields = ["employee", "created_at"]
    list_select_related = ["employee"]

    def has_add_permission(self, request):
        return False  # an employee creates their own feed

    def has_change_permission(self, request, obj=None):
        return False
