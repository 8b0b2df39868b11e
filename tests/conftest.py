import pytest
from django.conf import settings

from courier.celery import app as celery_app


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)")
    for item in items:
        if "postgres" in item.keywords and not settings.DATABASE_IS_POSTGRES:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in-process unless a test starts a real worker (see ``real_celery``)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def real_celery():
    celery_app.conf.task_always_eager = False
    return celery_app


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """PBKDF2 costs ~0.5 s per user on CI's cores; tests only need hashing to work, not be slow."""
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Messages built outside a request (services, tasks) come in English, so tests can assert the
    msgid; requests still choose their language through LocaleMiddleware (zh-hans by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield
