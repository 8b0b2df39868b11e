"""Rectification (CMP-08) and work orders (CMP-09)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

HANDLE = "complaints.handle_complaint"
SUPERVISE = "complaints.supervise_complaint"


class Rectification(FSMModelMixin, models.Model):
    """CMP-08: measures for the problems found, their execution supervised, their effect
    evaluated (did satisfaction improve) and the process improved."""

    class State(models.TextChoices):
        OPEN = "open", _("Measures under way")
        EVALUATED = "evaluated", _("Effect evaluated")

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="rectification"
    )
    problem = models.TextField(_("problem found"))
    state = FSMField(
        _("state"), max_length=16, choices=State.choices, default=State.OPEN, protected=True
    )
    satisfaction_before = models.DecimalField(
        _("satisfaction before"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_after = models.DecimalField(
        _("satisfaction after"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    improved = models.BooleanField(_("satisfaction improved"), null=True, blank=True)
    process_improvement = models.TextField(_("process improvement"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self):
        return f"#{self.complaint_id} {self.get_state_display()}"

    @transition(field=state, source=State.OPEN, target=State.EVALUATED, permission=SUPERVISE)
    def evaluate(self):
        pass


class RectificationMeasure(models.Model):
    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="measures"
    )
    description = models.TextField(_("measure"))
    owner = models.ForeignKey(
        "staffing.Employee", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification measure")
        verbose_name_plural = _("rectification measures")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description[:60]


class SupervisionCheck(models.Model):
    """A supervisor's check that a measure was carried out."""

    measure = models.ForeignKey(
        RectificationMeasure, on_delete=models.CASCADE, related_name="checks"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"))
    passed = models.BooleanField(_("carried out as required"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("supervision check")
        verbose_name_plural = _("supervision checks")
        ordering = ["checked_at"]

    def __str__(self):
        return f"{self.measure_id} {'ok' if self.passed else 'not ok'}"


class WorkOrder(FSMModelMixin, models.Model):
    """CMP-09: an issue not solved in one contact, passed to a senior agent who follows it to
    the end, with its own due time."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="work_orders"
    )
    assignee = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("senior agent"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    instructions = models.TextField(_("what is to be done"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    state = FSMField(
        _("state"), max_length=16, choices=State.choices, default=State.OPEN, protected=True
    )
    result = models.TextField(_("result"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["due_at"]

    def __str__(self):
        return f"WO{self.pk} #{self.complaint_id}"

    @transition(field=state, source=State.OPEN, target=State.DONE, permission=HANDLE)
    def complete(self):
        pass
