"""Writes of the system itself (not of the shipments domain)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from courier.core.models import Heartbeat


def heartbeat_record(name: str) -> Heartbeat:
    now = timezone.now()
    with transaction.atomic():
        beat, created = Heartbeat.objects.select_for_update().get_or_create(
            name=name, defaults={"last_tick": now, "ticks": 1}
        )
        if not created:
            Heartbeat.objects.filter(pk=name).update(last_tick=now, ticks=F("ticks") + 1)
            beat.refresh_from_db()
    return beat
