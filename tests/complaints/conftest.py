import pytest

from tests.complaints.factories import org_build
from tests.courier.api.conftest import key_client, make_key  # noqa: F401  (API fixtures)


@pytest.fixture
def org(db):
    return org_build()
