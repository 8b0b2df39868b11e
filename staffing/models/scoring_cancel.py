"""SCR-09 / A6 / A9: the documented conditions that cancel a recorded deduction, as data.

The handbook cancels some deductions when something happens afterwards: A6 when the customer
later agrees to bear half of the collect freight
("如事后有說服客戶承擔一半到付運費的,扣分將予以取消"),
A9 when the goods are recovered or the customer agrees to pay the goods' full price
("成功將貨退回,或者客戶愿意補給我們商品全額的,扣分將予以取消"). Each condition is a row of its
rule, seeded by a data migration and edited by the manager with history; a deduction is
cancelled through ``staffing.services.scoring_cancel`` only by an active condition of its rule.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ScoreCancelCondition(models.Model):
    rule = models.ForeignKey(
        "staffing.ScoreRule",
        verbose_name=_("score rule"),
        on_delete=models.CASCADE,
        related_name="cancel_conditions",
    )
    code = models.SlugField(_("code"), max_length=40)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score cancel condition")
        verbose_name_plural = _("score cancel conditions")
        ordering = ["rule", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "code"], name="scorecancel_rule_code_unique")
        ]

    def __str__(self):
        return f"{self.rule.code}: {self.description_zh}"
