"""The editable numbers of the shift, swap, leave and attendance rules (one row, seeded)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StaffingPolicy(models.Model):
    """STF-07, STF-09, ATT-02: every number of the rulebook, editable by ops in the admin.

    Leave notice periods live on each ``LeaveType`` row (LEV-02, LEV-03).
    """

    swap_lead_hours = models.PositiveIntegerField(
        _("swap lead time (hours before the shift)"),
        default=24,
        help_text=_("A swap requested later than this before the shift starts is not valid."),
    )
    swap_monthly_limit = models.PositiveIntegerField(
        _("swaps per person per month"),
        default=3,
        help_text=_("Each swap beyond this needs the supervisor's explicit override."),
    )
    swap_over_limit_rule_code = models.CharField(
        _("score rule for a swap beyond the limit"), max_length=16, default="G14"
    )
    correction_window_hours = models.PositiveIntegerField(
        _("punch correction window (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_("A forgotten punch must be explained within this time."),
    )
    correction_monthly_limit = models.PositiveIntegerField(
        _("punch correction applications per month"), default=3
    )
    late_grace_minutes = models.PositiveIntegerField(_("lateness grace (minutes)"), default=0)
    missed_punch_rule_code = models.CharField(
        _("score rule for an unexplained missed punch"), max_length=16, default="G1"
    )
    left_post_rule_code = models.CharField(
        _("score rule for leaving post without an approved swap"), max_length=16, default="G2"
    )
    absence_rule_code = models.CharField(_("score rule for absence"), max_length=16, default="G4")
    chat_offline_rule_code = models.CharField(
        _("score rule for being offline on duty"), max_length=16, default="G3"
    )
    chat_away_online_rule_code = models.CharField(
        _("score rule for being shown online while away"), max_length=16, default="G3b"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staffing policy")
        verbose_name_plural = _("staffing policy")

    def __str__(self):
        return str(_("Staffing policy"))

    @classmethod
    def current(cls) -> "StaffingPolicy":
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls.objects.create()
