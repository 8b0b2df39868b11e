import pytest
from django.core.cache import cache
from django.test import Client

from courier.core.models import API_SCOPES
from courier.core.services.apikeys import partner_api_key_create
from tests.factories import PartnerFactory

ALL_SCOPES = sorted(API_SCOPES)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield


@pytest.fixture
def make_key(db):
    def make(partner=None, scopes=ALL_SCOPES, **kwargs):
        partner = partner or PartnerFactory()
        return partner_api_key_create(partner, name="test key", scopes=scopes, **kwargs)

    return make


@pytest.fixture
def key_client(make_key):
    """``key_client(partner=None, scopes=ALL)`` → a test client sending ``Bearer <key>``."""

    def make(partner=None, scopes=ALL_SCOPES, **kwargs):
        row, plain = make_key(partner, scopes, **kwargs)
        # Tests assert the English msgids; partners who send no Accept-Language get Chinese.
        client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="en")
        client.key, client.plain, client.partner = row, plain, row.partner
        return client

    return make
