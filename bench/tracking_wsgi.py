"""The project's WSGI application plus one minimal view, ``/bench/trivial/``, for the tracking
bench's baseline: the same middleware stack as every page, no database, no cache."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courier.settings")
application = get_wsgi_application()

from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.cache import never_cache  # noqa: E402
from django.views.decorators.http import require_GET  # noqa: E402

import courier.urls  # noqa: E402


@never_cache
@require_GET
def trivial(request):
    return JsonResponse({"ok": True})


courier.urls.urlpatterns.insert(0, path("bench/trivial/", trivial))
