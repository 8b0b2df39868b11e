"""Deployment checks of the platform (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks

PRINTING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def email_backend_check(app_configs=None, **kwargs):
    """courier.W010: with DEBUG off, a backend that prints or stores mail locally puts
    customers' addresses and survey links into logs and files; production sends by SMTP."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in PRINTING_EMAIL_BACKENDS:
        return []
    return [
        checks.Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} with DEBUG off: every e-mail (customer "
            "addresses, survey links) is written to the log or local files instead of sent.",
            hint="Unset EMAIL_BACKEND (SMTP is the production default) or set an SMTP backend.",
            id="courier.W010",
        )
    ]


def register() -> None:
    """Called from ``CourierConfig.ready``."""
    checks.register(email_backend_check, checks.Tags.security, deploy=True)
