import pytest
from drf_spectacular.generators import SchemaGenerator

from courier.core.models import WebhookEndpoint
from tests import api_registry
from tests.courier.api.matrix import partner_views_not_on_base, security_matrix_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_throttle(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner_key": "100000/min"},
    }


@pytest.fixture
def client_for(key_client):
    return lambda partner: key_client(partner=partner)


def _schema(exclude_v1=False):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    if exclude_v1:  # the test URLconf's own routes only
        schema["paths"] = {k: v for k, v in schema["paths"].items() if not k.startswith("/api/v1/")}
    return schema


def test_every_partner_view_under_api_v1_is_built_on_the_base():
    """API-03: a view under /api/v1/ that does not derive its data from the partner fails here."""
    assert partner_views_not_on_base(prefix="api/v1/") == []


@pytest.mark.urls("tests.courier.api.testapp")
def test_the_base_check_catches_a_view_that_bypasses_the_base():
    """API-03: the walker is not vacuous: the leaky test view is reported, the safe ones are not."""
    problems = partner_views_not_on_base(prefix="api/")
    assert len(problems) == 1 and problems[0].startswith("api/leaky/^leaky/")
    assert "LeakyEndpointViewSet is not on the base" in problems[0]


def test_views_cannot_override_the_partner_filter():
    """API-03: overriding get_queryset/get_object on a partner view is refused at import."""
    from courier.core.api.base import PartnerScopedViewSet

    with pytest.raises(TypeError, match="overrides get_queryset"):

        class Bad(PartnerScopedViewSet):
            def get_queryset(self):
                return WebhookEndpoint.objects.all()


def test_security_matrix_over_every_operation_of_the_real_schema(client_for, fast_throttle):
    """API-03: every operation in /api/v1/ passes the cross-partner matrix (404 on another
    partner's object on every method, lists show only own rows, links refuse others' objects)."""
    schema = _schema()
    assert "/api/v1/me/" in schema["paths"]
    assert security_matrix_problems(schema, client_for) == []


# Test-only registrations for the test URLconf (their path keys do not exist under /api/v1/).
@api_registry.partner_object(
    "courier.WebhookEndpoint", paths=["t/endpoints/{id}", "leaky/leaky/{id}"]
)
def _endpoint(partner):
    return WebhookEndpoint.objects.create(partner=partner, url="https://example.com/hook")


@pytest.mark.urls("tests.courier.api.testapp")
def test_matrix_passes_for_base_views_and_catches_a_leaky_one(client_for, fast_throttle):
    """API-03: on base views (list, retrieve, update, delete, a body link) the matrix is clean;
    the view that skips the base is reported."""
    problems = security_matrix_problems(_schema(exclude_v1=True), client_for, prefix="/api/")
    assert problems == ["GET /api/leaky/leaky/{id}/: B got 200, not 404"]


@pytest.mark.urls("tests.courier.api.testapp")
def test_matrix_fails_when_an_operation_has_no_registered_factory(
    client_for, fast_throttle, monkeypatch
):
    """API-03: an endpoint added later without a factory fails the matrix instead of being
    skipped; so does a body link to a model without one."""
    monkeypatch.setattr(api_registry, "REGISTRY", [])
    monkeypatch.setattr(api_registry, "_discovered", True)
    problems = security_matrix_problems(_schema(exclude_v1=True), client_for, prefix="/api/")
    missing = [p for p in problems if "no factory for path key 't/endpoints/{id}'" in p]
    assert len(missing) == 4  # GET, PUT, PATCH, DELETE /api/t/endpoints/{id}/
    assert "POST /api/t/ping/: no factory for linked model courier.WebhookEndpoint" in problems
