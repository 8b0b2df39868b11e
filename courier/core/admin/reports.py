"""Stored report runs in the admin: read-only, downloadable as CSV or Excel, run on demand."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from courier.core.admin.history import ChangeReasonMixin
from courier.core.errors import ApplicationError
from courier.core.models import ReportRun, ReportSettings
from courier.core.reports import (
    report_run,
    report_run_rows,
    report_run_xlsx,
    report_runs_readable,
    reports_readable,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportRunForm(forms.Form):
    report = forms.ChoiceField(label=_("Report"))
    parameters = forms.CharField(
        label=_("Parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('As JSON, for example {"day": "2026-12-01"}; empty for the defaults.'),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [
            (d.name, f"{d.title} ({d.name})") for d in reports_readable(user)
        ]

    def clean_parameters(self):
        text = self.cleaned_data["parameters"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Give the parameters as a JSON object.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give the parameters as a JSON object."))
        return value


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["title", "report", "data_as_of", "row_count", "run_by", "downloads"]
    list_filter = ["report"]
    date_hierarchy = "data_as_of"
    list_select_related = ["created_by"]
    fields = [
        "report",
        "title",
        "parameters",
        "data_as_of",
        "row_count",
        "sha256",
        "created_by",
        "job",
        "created_at",
        "keep_until",
        "downloads",
    ]
    readonly_fields = fields
    change_list_template = "admin/courier/reportrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # A report naming its readers (per-agent SLA figures, head office's matrix) is theirs.
        return report_runs_readable(request.user, super().get_queryset(request))

    @admin.display(description=_("run by"))
    def run_by(self, obj):
        return obj.created_by or obj.job

    @admin.display(description=_("download"))
    def downloads(self, obj):
        url = "admin:courier_reportrun_download"
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">Excel</a>',
            reverse(url, args=[obj.pk, "csv"]),
            reverse(url, args=[obj.pk, "xlsx"]),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/download.<str:fmt>",
                self.admin_site.admin_view(self.download_view),
                name="courier_reportrun_download",
            ),
            path("run/", self.admin_site.admin_view(self.run_view), name="courier_reportrun_run"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk, fmt):
        run = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        if fmt not in ("csv", "xlsx"):
            raise Http404
        try:
            if fmt == "csv":
                report_run_rows(run)  # verifies the checksum before serving
                with run.file.open("rb") as handle:
                    body, content_type = handle.read(), "text/csv; charset=utf-8"
            else:
                body, content_type = report_run_xlsx(run), XLSX
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:courier_reportrun_changelist"))
        response = HttpResponse(body, content_type=content_type)
        stamp = f"{run.data_as_of:%Y%m%d-%H%M}"
        response["Content-Disposition"] = f'attachment; filename="{run.report}-{stamp}.{fmt}"'
        return response

    def run_view(self, request):
        if not request.user.has_perm("courier.run_report"):
            raise PermissionDenied
        form = ReportRunForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                run = report_run(
                    form.cleaned_data["report"],
                    params=form.cleaned_data["parameters"],
                    user=request.user,
                )
            except ApplicationError as exc:
                form.add_error("parameters", exc.messages)
            else:
                self.log_addition(request, run, [{"added": {}}])
                self.message_user(
                    request,
                    _("Report run stored: %(rows)s rows.") % {"rows": run.row_count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:courier_reportrun_change", args=[run.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Run a report"),
            "form": form,
        }
        return TemplateResponse(request, "admin/courier/reportrun/run.html", context)


@admin.register(ReportSettings)
class ReportSettingsAdmin(ChangeReasonMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "keep_days"]

    def has_add_permission(self, request):
        return False  # the one row is created on first use (``ReportSettings.current``)

    def has_delete_permission(self, request, obj=None):
        return False
