"""schemathesis against the generated OpenAPI schema, inside the suite (through WSGI, in the test
database): no 5xx, every status code, header and body as documented."""

import json

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis import DataGenerationMethod

from courier.core.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

EXAMPLES = 12


def _many_with_more():
    """hypothesis-jsonschema 0.23.1 (schemathesis' generator) calls ``many.more()``, which newer
    Hypothesis releases replaced by ``with many(...) as e: for _ in e``. This subclass offers both,
    so the locked versions work together; Hypothesis' own code keeps using the new protocol."""
    from hypothesis.internal.conjecture import utils as cu

    base = cu.many
    if hasattr(base, "more"):
        return base

    class Many(base):
        def more(self):
            if not hasattr(self, "_compat_iter"):
                self.__enter__()
                self._compat_iter = iter(self)
            try:
                next(self._compat_iter)
                return True
            except StopIteration:
                self.__exit__(None, None, None)
                return False

    return Many


@pytest.fixture
def wsgi_app(settings, monkeypatch):
    from hypothesis.internal.conjecture import utils as cu

    monkeypatch.setattr(cu, "many", _many_with_more())
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner_key": "100000/min"},
    }
    # As Django's test client does: keep the test transaction's connection across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(app, plain_key, endpoint_filter):
    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(None, True)))
    schema = schemathesis.from_dict(
        raw,
        app=app,
        endpoint=endpoint_filter,
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
    )
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def check(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {plain_key}"}
            response = case.call_wsgi()
            case.validate_response(response)

        check()
    return operations


def test_schemathesis_real_api_has_no_5xx_and_conforms(wsgi_app, key_client):
    """API-04: every operation under /api/v1/ survives generated valid and invalid requests."""
    client = key_client()
    assert _fuzz(wsgi_app, client.plain, "^/api/v1/") >= 1


@pytest.mark.urls("tests.courier.api.testapp")
def test_schemathesis_on_base_features_lists_writes_links(wsgi_app, key_client):
    """API-04: the base's lists, writes, links and errors conform to the schema under fuzzing."""
    client = key_client()
    for i in range(3):
        WebhookEndpoint.objects.create(partner=client.partner, url=f"https://x.example/{i}")
    assert _fuzz(wsgi_app, client.plain, "^/api/t/") == 7
