"""The sandbox's nightly cleanup: data of sandbox partners older than their
``sandbox_keep_days`` is deleted.

The platform knows no domain, so the rows are found through the model graph: every model with a
foreign key to ``Partner`` (shipments, orders, complaints, tracking, webhooks, ...) whose rows
carry a ``created_at``. Each model's old sandbox rows are deleted with Django's collector
(cascading to their children and history as usual); a model whose rows are still protected by
another model's rows is retried after the others, so the order of the domains does not matter.
"""

import logging
from datetime import timedelta

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from courier.core.models import Partner, PartnerAPIKey

logger = logging.getLogger("courier.sandbox")

_SKIP = (PartnerAPIKey,)  # the sandbox's keys stay usable
_PASSES = 6


def _partner_models() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every concrete foreign key to Partner on a model with
    ``created_at``; history tables are left to their own models' deletions."""
    found = []
    for rel in Partner._meta.related_objects:
        model = rel.related_model
        if not rel.one_to_many or rel.field.model is not model or model in _SKIP:
            continue
        if model._meta.app_label == "courier" and model.__name__.startswith("Historical"):
            continue
        if model.__module__.startswith("simple_history") or getattr(model, "instance_type", None):
            continue
        if any(f.name == "created_at" for f in model._meta.concrete_fields):
            found.append((model, rel.field.name))
    return sorted(found, key=lambda mf: mf[0]._meta.label)


def sandbox_data_purge(now=None) -> dict[str, int]:
    """Delete every sandbox partner's rows older than its ``sandbox_keep_days``; returns the
    number of rows deleted per model label (children deleted by cascade included)."""
    now = now or timezone.now()
    deleted: dict[str, int] = {}
    sandboxes = list(Partner.objects.filter(is_sandbox=True))
    pending = [(m, f, p) for p in sandboxes for m, f in _partner_models()]
    for _pass in range(_PASSES):
        blocked = []
        for model, field, sandbox in pending:
            cutoff = now - timedelta(days=sandbox.sandbox_keep_days)
            rows = model._base_manager.filter(**{field: sandbox, "created_at__lt": cutoff})
            try:
                with transaction.atomic():
                    _count, per_model = rows.delete()
            except (ProtectedError, RestrictedError):
                blocked.append((model, field, sandbox))
                continue
            for label, count in per_model.items():
                if count:
                    deleted[label] = deleted.get(label, 0) + count
        if not blocked:
            break
        pending = blocked
    else:
        logger.warning(
            "sandbox cleanup: rows of %s are still protected by other rows",
            sorted({m._meta.label for m, _f, _p in pending}),
        )
    return deleted
