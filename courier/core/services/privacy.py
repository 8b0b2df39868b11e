"""Every full personal value shown to a role that may see it is recorded (ORG-03): an audit row
per field and one structured log line per object, both without the value itself."""

from __future__ import annotations

import logging

from django.db import transaction

from courier.core.models import PersonalDataReveal

logger = logging.getLogger("courier.privacy")


def personal_data_reveal_record(user, obj, fields, *, view: str) -> list[PersonalDataReveal]:
    """Record that ``user`` was shown ``fields`` of ``obj`` in full on ``view`` (``change``,
    ``history``, ``print``, ...)."""
    fields = sorted(set(fields))
    if not fields or obj is None or user is None or not user.is_authenticated:
        return []
    object_type = obj._meta.label_lower
    object_id = str(obj.pk)
    rows = [
        PersonalDataReveal(
            user=user, object_type=object_type, object_id=object_id, field=name, view=view[:32]
        )
        for name in fields
    ]
    with transaction.atomic():
        PersonalDataReveal.objects.bulk_create(rows)
    logger.info(
        "personal data revealed: user=%s object=%s:%s fields=%s view=%s",
        user.pk,
        object_type,
        object_id,
        ",".join(fields),
        view,
        extra={
            "event": "personal_data_reveal",
            "user_id": user.pk,
            "object_type": object_type,
            "object_id": object_id,
            "fields": fields,
            "view": view,
        },
    )
    return rows
