"""Routes of the finance API (included by ``courier/urls_api.py``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from courier.finance.api.views import LedgerViewSet, QuoteView, StatementViewSet

router = SimpleRouter()
router.register("statements", StatementViewSet, basename="statement")
router.register("ledger", LedgerViewSet, basename="ledger")

urlpatterns = [path("quotes/", QuoteView.as_view(), name="quotes"), *router.urls]
