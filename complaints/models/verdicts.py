from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ScorePosting(models.TextChoices):
    """Where the 100-point score event for a verdict or bad review stands (CMP-10)."""

    NONE = "none", _("No score event")
    PENDING = "pending", _("To be posted")
    POSTED = "posted", _("Posted")
    REVERSED = "reversed", _("Reversed")


class Verdict(models.Model):
    """CMP-06/CMP-10: the investigation's conclusion; substantiated against a named agent it costs
    that agent the G5 points; overturned, the score event is reversed."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="verdicts"
    )
    substantiated = models.BooleanField(_("substantiated"))
    against_employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("against agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_verdicts",
    )
    findings = models.TextField(_("findings"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    overturned_at = models.DateTimeField(_("overturned at"), null=True, blank=True)
    overturned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overturn_reason = models.TextField(_("overturn reason"), blank=True)
    score_posting = models.CharField(
        _("score event"), max_length=16, choices=ScorePosting.choices, default=ScorePosting.NONE
    )
    score_error = models.CharField(_("score posting error"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(overturned_at__isnull=True),
                name="verdict_one_standing",
            ),
        ]
        indexes = [models.Index(fields=["score_posting"], name="verdict_posting_idx")]

    def __str__(self):
        return f"#{self.complaint_id} {'✔' if self.substantiated else '✘'}"


class BadReview(models.Model):
    """CMP-10 (G16): a bad review that names an agent costs that agent 3 points."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bad_reviews",
    )
    survey = models.OneToOneField(
        "complaints.Survey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bad_review",
    )
    employee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("agent named"),
        on_delete=models.PROTECT,
        related_name="bad_reviews",
    )
    text = models.TextField(_("review text"))
    reviewed_at = models.DateTimeField(_("review date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("withdraw reason"), blank=True)
    score_posting = models.CharField(
        _("score event"), max_length=16, choices=ScorePosting.choices, default=ScorePosting.NONE
    )
    score_error = models.CharField(_("score posting error"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bad review")
        verbose_name_plural = _("bad reviews")
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"{self.employee} {self.reviewed_at:%Y-%m-%d}"
