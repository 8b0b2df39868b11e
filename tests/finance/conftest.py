from tests.courier.api.conftest import _fresh_cache, key_client, make_key  # noqa: F401
