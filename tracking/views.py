"""Public pages: the lookup ``/track/`` (Chinese and English, mobile-friendly) and its JSON twin
``/track/api/<waybill>/`` (the view of ``/api/v1/track/{waybill}/``); no login. Everything shown
comes from ``track_lookup``."""

import re

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courier.core.errors import NotFound
from tracking.api.public import LegacyTrackLookupView
from tracking.models import ContactChannel
from tracking.services import LookupThrottled, track_lookup

LAST4 = re.compile(r"^[0-9]{4}$")
WAYBILL = re.compile(r"^[0-9A-Za-z]{1,32}$")


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@never_cache
@require_GET
def track_page(request):
    waybill = (request.GET.get("waybill") or "").strip()
    last4 = (request.GET.get("phone_last4") or "").strip()
    context = {"waybill": waybill, "phone_last4": "", "answer": None, "error": ""}
    status = 200
    if waybill:
        if not WAYBILL.match(waybill) or (last4 and not LAST4.match(last4)):
            context["error"] = _("Enter the waybill number, and optionally the last 4 digits.")
            status = 400
        else:
            try:
                context["answer"] = track_lookup(
                    waybill,
                    phone_last4=last4 or None,
                    client_address=_client_address(request),
                    channel=ContactChannel.WEB,
                )
            except NotFound:
                context["error"] = _("No shipment has this waybill number.")
                status = 404
            except LookupThrottled as exc:
                context["error"] = str(exc)
                status = 429
    return render(request, "tracking/track.html", context, status=status)


# ``/track/api/<waybill>/``: the same view as ``GET /api/v1/track/{waybill}/``.
track_api = LegacyTrackLookupView.as_view()
