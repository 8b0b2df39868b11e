"""Stored report runs: each run of a report is an immutable row with its file and checksum."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def report_upload_to(instance, filename: str) -> str:
    return f"reports/{instance.report.replace('.', '/')}/{uuid.uuid4().hex}.csv"


class ReportSettings(models.Model):
    """How long report runs are kept (one row, edited in the admin)."""

    keep_days = models.PositiveIntegerField(
        _("keep runs for (days)"),
        default=400,
        help_text=_("Runs older than this are deleted with their files by the nightly purge."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self):
        return str(_("Report settings"))

    @classmethod
    def current(cls) -> "ReportSettings":
        return cls.objects.get_or_create(pk=1)[0]


class ReportRun(models.Model):
    """One run of a report: its parameters, the moment its data is as of, the rows as a CSV file
    and that file's SHA-256. Never changed after it is written (the admin is read-only)."""

    report = models.CharField(_("report"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    data_as_of = models.DateTimeField(_("data as of"))
    row_count = models.PositiveIntegerField(_("rows"))
    file = models.FileField(_("file"), upload_to=report_upload_to)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    job = models.CharField(_("scheduled job"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    keep_until = models.DateField(_("kept until"))

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["report", "-created_at"]),
            models.Index(fields=["keep_until"]),
        ]
        permissions = [("run_report", _("Can run reports"))]

    def __str__(self):
        return f"{self.title} @ {self.data_as_of:%Y-%m-%d %H:%M}"
