"""The record of every full personal value shown to someone who may see it (ORG-03)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataReveal(models.Model):
    """Who saw which field of which object in full, where and when; never the value itself.

    Written by ``courier.core.services.privacy.personal_data_reveal_record``; append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    field = models.CharField(_("field"), max_length=64)
    view = models.CharField(_("view"), max_length=32)
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="reveal_object")]
        permissions = [
            (
                "reveal_personal_data",
                _("Can see full personal data of the orders, complaints and contacts handled"),
            ),
            ("print_personal_data", _("Can see full personal data on printed labels")),
        ]

    def __str__(self):
        return f"{self.user_id} {self.object_type}:{self.object_id}.{self.field}"
