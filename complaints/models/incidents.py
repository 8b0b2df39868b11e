"""Emergency incidents (INC-01) and their reports and review meetings (INC-02)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords


class Incident(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General (project manager runs the standard process)")
        SPECIAL = "special", _("Special (HQ coordination group)")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"))
    occurred_at = models.DateTimeField(_("occurred at"))
    project_manager = models.ForeignKey(
        "staffing.Employee",
        verbose_name=_("project manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    coordination_members = models.ManyToManyField(
        "staffing.Employee",
        verbose_name=_("HQ coordination group"),
        blank=True,
        related_name="incident_groups",
    )
    on_site_group = models.TextField(_("on-site coordination group"), blank=True)
    harmed_company = models.BooleanField(_("harmed the company"), default=False)
    handled_in_pre_handling = models.BooleanField(
        _("solved in pre-handling (daily report only)"), default=False
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint", verbose_name=_("complaints"), blank=True, related_name="incidents"
    )
    shipments = models.ManyToManyField(
        "courier.Shipment", verbose_name=_("shipments"), blank=True, related_name="incidents"
    )
    # INC-05: the partner project's emergency plan in force when the incident was opened.
    emergency_plan = models.ForeignKey(
        "complaints.EmergencyPlan",
        verbose_name=_("emergency plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    state = FSMField(
        _("state"), max_length=16, choices=State.choices, default=State.OPEN, protected=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at"]

    def __str__(self):
        return self.title

    @transition(
        field=state,
        source=State.OPEN,
        target=State.CLOSED,
        permission="complaints.change_incident",
    )
    def close(self):
        pass


class IncidentReport(models.Model):
    """INC-02: the written report, required when the incident harmed us or caused a complaint."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="report")
    cause = models.TextField(_("cause"))
    handling = models.TextField(_("handling"))
    lessons = models.TextField(_("lessons and prevention"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")

    def __str__(self):
        return str(self.incident)


class ReviewMeeting(models.Model):
    """INC-02: the report reviewed with the staff involved at a meeting."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        "staffing.Employee", verbose_name=_("attendees"), related_name="+"
    )
    conclusions = models.TextField(_("conclusions"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["held_on"]

    def __str__(self):
        return f"{self.incident} {self.held_on}"
