from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic job ticked; read by /healthz to prove beat and a worker run."""

    name = models.CharField(_("name"), max_length=64, primary_key=True)
    last_tick = models.DateTimeField(_("last tick"))
    ticks = models.PositiveBigIntegerField(_("ticks"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.last_tick:%Y-%m-%d %H:%M:%S}"
