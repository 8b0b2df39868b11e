"""The one base of every partner endpoint under ``/api/v1/``. Read this before writing a view.

What the base does for every view built on it (nothing to add in the view):

- **Authentication**: ``Authorization: Bearer <key>`` only (``PartnerKeyAuthentication``).
  ``request.auth`` is the ``PartnerAPIKey``; ``request.user`` is the partner's service user, so
  django-simple-history records that user as the actor of every change; ``self.partner`` is the
  calling ``Partner``. Keys in the query string are refused.
- **Scopes**: ``required_scopes`` maps each action (viewset action names such as ``"list"``,
  ``"retrieve"``, ``"create"``, ``"partial_update"``, ``"destroy"``, your ``@action`` names; or HTTP
  method names ``"get"``/``"post"`` for plain views) to the scope a key must carry: a string, a
  tuple of strings (all needed) or ``ANY_KEY``. An action missing from the map is refused with 403
  (fail closed). Scopes: see ``courier.core.models.apikeys.API_SCOPES``.
- **Isolation**: ``get_queryset()`` is ``get_base_queryset()`` filtered by
  ``{partner_field: self.partner}``; subclasses may NOT override ``get_queryset``/``get_object``
  (a ``TypeError`` at import). So ``get_object()`` on another partner's object raises 404 for every
  method, and lists, filters and ordering only ever see the caller's rows.
- **Idempotency**: every POST honours ``Idempotency-Key`` (see ``courier.core.api.idempotency``).
- **One transaction per write**: POST/PUT/PATCH/DELETE run in one transaction with the key's
  stored answer; after-commit work (queueing to the broker) can no longer fail the request, so a
  retry during a broker outage replays the committed answer. Queue outbox work with
  ``courier.core.services.outbox.queue_after_commit``.
- **Errors**: ``{"code", "message", "details"}`` (``courier.core.api.exceptions``); bodies over
  ``API_MAX_BODY_BYTES`` (1 MiB) → 413; per-key throttling → 429 with ``Retry-After``.
- **Pagination**: cursor pagination, ``?page_size=`` up to 100, bad cursor → 400.
- **Domain errors**: services raise ``courier.core.errors``' kinds, mapped by class whatever the
  app: ``InvalidInput`` → 400 ``invalid``, ``PermissionRefused`` → 403, ``NotFound`` → 404,
  ``StateConflict`` (also django-fsm's ``TransitionNotAllowed``) → 409 ``invalid_state`` or the
  code it was raised with; database range errors → 400, integrity errors → 409; anything else →
  logged, 500 JSON. The schema documents 400/401/403/429 (+404 with path parameters,
  +409/413/415 for writes, +422 for POST) on every operation automatically; schemathesis fails on
  any other status, so add it with ``@extend_schema(responses=...)`` if a view returns one.

Serializers: inherit ``courier.core.api.serializers.StrictModelSerializer`` / ``StrictSerializer``
(unknown or read-only fields in a write → 400) and link to other objects with
``PartnerOwnedRelatedField`` / ``PartnerOwnedSlugRelatedField`` (another partner's id → 400, the
same as a missing id). Writes call your domain service (never ``serializer.save()``).

Example (a cut-down ``courier/shipments/api/views.py``; ``tests/courier/api/test_conventions.py``
compiles it and resolves every name it imports)::

    from rest_framework.decorators import action
    from rest_framework.response import Response

    from courier.core.api.base import (
        PartnerListModelMixin, PartnerRetrieveModelMixin, PartnerScopedViewSet,
    )
    from courier.shipments.api.serializers import ReasonSerializer, ShipmentSerializer
    from courier.shipments.selectors import shipments_listing
    from courier.shipments.services.shipments import shipment_cancel

    class ShipmentViewSet(PartnerListModelMixin, PartnerRetrieveModelMixin, PartnerScopedViewSet):
        partner_field = "partner"                 # ORM path from Shipment to Partner
        lookup_field = "waybill_number"
        serializer_class = ShipmentSerializer     # a StrictModelSerializer
        required_scopes = {
            "list": "shipments:read", "retrieve": "shipments:read", "cancel": "shipments:write",
        }

        def get_base_queryset(self):              # never filter by partner here: the base does
            return shipments_listing()

        @action(detail=True, methods=["post"])
        def cancel(self, request, waybill_number=None):
            shipment = self.get_object()          # 404 for another partner's waybill
            serializer = ReasonSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            shipment_cancel(shipment, user=request.user, reason=serializer.validated_data["reason"])
            return Response(self.get_serializer(shipment).data)   # a StateConflict → 409 by itself

    # A nested route (``/shipments/{waybill_number}/events/``) looks its parent up FIRST, before
    # it validates the body, so another partner's parent answers 404 (not 400):
    #     parent = partner_get_object_or_404(shipments_listing(), self.partner, "partner",
    #                                        waybill_number=self.kwargs["waybill_number"])
    #     and declare ``partner_field = "shipment__partner"`` on the child viewset.

Register with a DRF router in your ``*/api/urls.py`` (included by ``courier/urls_api.py``) and
add a factory to ``tests/<app>/api_objects.py`` for every path parameter (see
``tests/api_registry.py``): the security matrix and schemathesis then cover the endpoint.

Plain views without objects (like ``/api/v1/me/``) use ``PartnerAPIView``; they must not take
path parameters (the tests refuse it).
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from courier.core.api import serializers as _serializers  # noqa: F401  (registers schema extensions)
from courier.core.api.authentication import PartnerKeyAuthentication
from courier.core.api.exceptions import PayloadTooLarge, error_body
from courier.core.api.idempotency import (
    Replay,
    idempotency_begin,
    idempotency_finish,
    idempotency_key_from,
    idempotency_release,
    request_fingerprint,
)
from courier.core.api.pagination import PartnerCursorPagination
from courier.core.api.permissions import ANY_KEY, HasPartnerScope, IsPartnerKey
from courier.core.api.throttling import PartnerKeyRateThrottle

logger = logging.getLogger("courier.api")

# Methods that may write: each runs in one transaction with its idempotency record.
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

__all__ = [
    "ANY_KEY",
    "PartnerAPIMixin",
    "PartnerAPIView",
    "PartnerCreateModelMixin",
    "PartnerDestroyModelMixin",
    "PartnerListModelMixin",
    "PartnerRetrieveModelMixin",
    "PartnerScopedGenericAPIView",
    "PartnerScopedMixin",
    "PartnerScopedViewSet",
    "PartnerUpdateModelMixin",
    "partner_get_object_or_404",
]


class PartnerAPIMixin:
    """Authentication, scopes, throttling, body limit, idempotency: shared by every partner view."""

    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartnerKey, HasPartnerScope]
    throttle_classes = [PartnerKeyRateThrottle]
    required_scopes: dict = {}
    # False for a POST that writes nothing (a quote): no request transaction, so no BEGIN and
    # COMMIT round trips; its Idempotency-Key is still honoured.
    write_transaction = True
    _idempotency_record = None
    _savepoint_active = False

    def dispatch(self, request, *args, **kwargs):
        # Inside an outer transaction (tests, or a caller's atomic block) run the request in a
        # savepoint, so a database error answered as 400/409/500 does not poison the outer one.
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                self._savepoint_active = True
                return super().dispatch(request, *args, **kwargs)
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._request_atomic is not None:  # only if something escaped finalize_response
                self._request_atomic_close(error=True)

    # --- the write transaction -------------------------------------------------------------
    # A write (POST/PUT/PATCH/DELETE) runs in one transaction, opened at the end of
    # ``initial()`` (after authentication, throttling and the Idempotency-Key claim, which
    # commits at once so a concurrent retry sees it and gets 409) and closed in
    # ``finalize_response()``. The stored answer of the key commits with the work or not at all,
    # so a retry replays exactly what committed. Work queued after commit (``on_commit``) cannot
    # change the answer any more: a failing hook (the broker down) is logged and the committed
    # response is returned; its outbox row is retried by its periodic dispatcher.
    _request_atomic = None
    _request_committed = None

    def _request_atomic_open(self) -> None:
        self._request_atomic = transaction.atomic()
        self._request_atomic.__enter__()
        self._savepoint_active = True
        committed = self._request_committed = []
        # Registered first, so it runs first: proof that the commit itself succeeded.
        transaction.on_commit(lambda: committed.append(True))

    def _request_atomic_close(self, *, error: bool = False) -> str:
        """Commit (or roll back after an error); returns "committed", "rolled back" or
        "commit failed". A hook failing after a successful commit is logged, not raised."""
        atomic, self._request_atomic = self._request_atomic, None
        self._savepoint_active = False
        connection = transaction.get_connection()
        rolled_back = error or connection.needs_rollback
        try:
            if error:
                atomic.__exit__(RuntimeError, RuntimeError("request failed"), None)
            else:
                atomic.__exit__(None, None, None)
        except Exception:
            if not self._request_committed:
                logger.exception("commit of %s failed", self.request.path)
                return "commit failed"
            logger.exception(
                "after-commit work of %s %s failed; the committed answer stands",
                self.request.method,
                self.request.path,
            )
        return "rolled back" if rolled_back else "committed"

    @property
    def partner(self):
        """The calling partner (``request.auth.partner``)."""
        return self.request.auth.partner

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            raise PayloadTooLarge()
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            key = idempotency_key_from(request)
            if key is not None:
                record, replay = idempotency_begin(
                    self.partner,
                    key,
                    request_fingerprint(request),
                    request.method,
                    request.get_full_path(),
                )
                if replay is not None:
                    raise Replay(replay)
                self._idempotency_record = record
        if (
            self.write_transaction
            and request.method in _WRITE_METHODS
            and not transaction.get_connection().in_atomic_block
        ):
            self._request_atomic_open()

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        # After a database error the savepoint is being rolled back, the record with it.
        if record is not None and not transaction.get_connection().needs_rollback:
            idempotency_finish(record, response)
        if self._request_atomic is None:
            return response
        outcome = self._request_atomic_close()
        if outcome != "committed" and record is not None:
            # Nothing was written: free the key (claimed outside the transaction) for a retry.
            idempotency_release(record)
        if outcome == "commit failed":
            response = Response(
                error_body("server_error", _("An unexpected error occurred. It has been logged.")),
                status=500,
            )
            response = super().finalize_response(request, response, *args, **kwargs)
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        auth = getattr(self.request, "auth", None) if getattr(self, "request", None) else None
        context["partner"] = getattr(auth, "partner", None)
        return context


class PartnerAPIView(PartnerAPIMixin, APIView):
    """A partner view that reads or writes no object by id (e.g. ``/me/``). Declare
    ``required_scopes`` by HTTP method: ``{"get": ANY_KEY}``."""

    def get_serializer_context(self):
        return {"request": self.request, "view": self, "partner": self.partner}


_FORBIDDEN_OVERRIDES = ("get_queryset", "get_object")


class PartnerScopedMixin(PartnerAPIMixin):
    """Partner isolation by construction. Subclasses set ``partner_field`` and ``queryset`` (or
    override ``get_base_queryset``); they cannot override ``get_queryset`` or ``get_object``."""

    _partner_base = True
    partner_field: str | None = None
    pagination_class = PartnerCursorPagination

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("_partner_base"):
            return
        for name in _FORBIDDEN_OVERRIDES:
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__qualname__} overrides {name}(); override get_base_queryset() "
                    "instead, the base filters it by partner."
                )

    def get_base_queryset(self):
        """All rows of the model this view serves, unfiltered by partner (override for
        ``select_related``/annotations). The base adds the partner filter."""
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs queryset or get_base_queryset")
        return self.queryset.all()

    def get_queryset(self):
        if not self.partner_field:
            raise ImproperlyConfigured(f"{type(self).__name__} needs partner_field")
        queryset = self.get_base_queryset()
        partner = getattr(getattr(self.request, "auth", None), "partner", None)
        if partner is None:  # schema generation, or anything without a key: nothing
            return queryset.none()
        return queryset.filter(**{self.partner_field: partner})


class PartnerScopedViewSet(PartnerScopedMixin, GenericViewSet):
    """Base viewset; add the ``Partner*ModelMixin`` classes you need and your ``@action``s."""

    _partner_base = True


class PartnerScopedGenericAPIView(PartnerScopedMixin, GenericAPIView):
    """Base generic view for the rare endpoint that is not a viewset."""

    _partner_base = True


PartnerListModelMixin = mixins.ListModelMixin
PartnerRetrieveModelMixin = mixins.RetrieveModelMixin
PartnerDestroyModelMixin = mixins.DestroyModelMixin


class PartnerCreateModelMixin(mixins.CreateModelMixin):
    """POST: validates with the serializer, then ``create_object(validated_data)`` (your domain
    service call) returns the new instance, which is answered with 201 and the serializer's data."""

    def perform_create(self, serializer):
        serializer.instance = self.create_object(serializer.validated_data)

    def create_object(self, data):
        raise NotImplementedError("call the domain service and return the new instance")


class PartnerUpdateModelMixin(mixins.UpdateModelMixin):
    """PUT/PATCH: ``update_object(instance, validated_data)`` (your service call) returns it."""

    def perform_update(self, serializer):
        serializer.instance = self.update_object(serializer.instance, serializer.validated_data)

    def update_object(self, instance, data):
        raise NotImplementedError("call the domain service and return the updated instance")


def partner_get_object_or_404(queryset, partner, partner_field: str = "partner", **lookup):
    """One of ``partner``'s objects, or 404 (also for another partner's object or a malformed
    lookup value); for parents of nested routes and for custom lookups."""
    if partner is None:
        raise Http404
    try:
        return queryset.filter(**{partner_field: partner}).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404
