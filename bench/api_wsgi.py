"""The project's WSGI application plus ``/bench/drf-plain/``: a DRF view without
authentication, permissions or throttling (the same middleware and renderer as the partner API),
the baseline ``/api/v1/me/`` is compared with (``bench_shipments.py``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
application = get_wsgi_application()

from django.urls import path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

import courier.urls  # noqa: E402


class PlainView(APIView):
    authentication_classes = ()
    permission_classes = ()
    throttle_classes = ()

    def get(self, request):
        return Response({"ok": True})


courier.urls.urlpatterns.insert(0, path("bench/drf-plain/", PlainView.as_view()))
