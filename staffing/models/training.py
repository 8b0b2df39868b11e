"""ORG-06: pre-job training and the supervisor's periodic business-knowledge exams, per person."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Employee


class TrainingKind(models.TextChoices):
    PRE_JOB = "pre_job", _("Pre-job training")
    BUSINESS_EXAM = "business_exam", _("Business-knowledge exam")
    INTERNAL = "internal", _("Internal training")


class TrainingTopic(models.TextChoices):
    """ORG-06: the handbook's pre-job training items 1–5, and the business knowledge."""

    SPEECH = "speech", _("Speech and polite phrases")
    APPEARANCE = "appearance", _("Appearance")
    MANNERS = "manners", _("Manners")
    CONDUCT = "conduct", _("Conduct and confidentiality")
    ATTITUDE = "attitude", _("Attitude")
    BUSINESS = "business", _("Business knowledge")


class TrainingRecord(models.Model):
    """One training or exam of one person, with its result."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="trainings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TrainingKind.choices)
    topic = models.CharField(_("topic"), max_length=16, choices=TrainingTopic.choices)
    held_on = models.DateField(_("date"))
    trainer = models.ForeignKey(
        Employee,
        verbose_name=_("trainer or examiner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(
        _("exam score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    passed = models.BooleanField(_("passed"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-held_on", "employee"]

    def __str__(self):
        return f"{self.employee} {self.get_kind_display()} {self.held_on}"
