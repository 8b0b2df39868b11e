"""INC-05: an operating emergency plan per partner project, drawn up before anything happens
(000 §8 "制定…项目的操作应急方案"), and the seminars that periodically or ad hoc review the
incident-handling process and each post's authority (000 §10 "定期或不定期召开专项研讨会，研究…
处理流程和各岗位处置权限")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EmergencyPlan(models.Model):
    """The plan of one partner project; one in force per partner, revised with history."""

    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner project"),
        on_delete=models.PROTECT,
        related_name="emergency_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    general_procedure = models.TextField(
        _("general incident procedure (project manager)"),
        help_text=_("INC-01: the steps the project manager runs."),
    )
    special_procedure = models.TextField(
        _("special incident procedure (HQ coordination group)"),
        help_text=_("INC-01: the HQ group, its members and the on-site coordination group."),
    )
    delay_measures = models.TextField(_("delay: measures"), blank=True)
    damage_measures = models.TextField(_("damage: measures"), blank=True)
    loss_measures = models.TextField(_("loss: measures"), blank=True)
    disaster_measures = models.TextField(_("natural disaster: measures"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    in_force = models.BooleanField(_("in force"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["partner", "-in_force", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=Q(in_force=True), name="emergencyplan_one_in_force"
            )
        ]

    def __str__(self):
        return f"{self.partner}: {self.title}"


class EmergencySeminar(models.Model):
    """INC-05: a seminar reviewing the incident process and each post's authority."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        AD_HOC = "ad_hoc", _("Ad hoc")

    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    partner = models.ForeignKey(
        "courier.Partner",
        verbose_name=_("partner project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every project."),
    )
    plan = models.ForeignKey(
        EmergencyPlan,
        verbose_name=_("plan reviewed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seminars",
    )
    attendees = models.ManyToManyField(
        "staffing.Employee", verbose_name=_("attendees"), related_name="+"
    )
    process_review = models.TextField(_("incident process reviewed: conclusions"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("emergency review seminar")
        verbose_name_plural = _("emergency review seminars")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"


class PostAuthority(models.Model):
    """One post's authority in incidents as the seminar settled it."""

    seminar = models.ForeignKey(
        EmergencySeminar,
        verbose_name=_("seminar"),
        on_delete=models.CASCADE,
        related_name="authorities",
    )
    post = models.CharField(_("post"), max_length=100)
    authority = models.TextField(_("authority"))

    class Meta:
        verbose_name = _("post authority")
        verbose_name_plural = _("post authorities")
        ordering = ["seminar", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seminar", "post"], name="postauthority_unique")
        ]

    def __str__(self):
        return f"{self.post}: {self.authority[:40]}"
