"""The installed packages' apps under names a Chinese user can read.

``django-axes`` and ``djangorestframework-api-key`` give their apps plain English names (no
gettext), which the admin index and sidebar show as they are. These subclasses only add a
translatable name; the app labels, models and migrations stay the packages' own. Their model
and field labels that do go through gettext are translated in ``locale/`` (the project's
catalogue comes first)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework_api_key.apps import RestFrameworkApiKeyConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login lockouts")


class APIKeyConfig(RestFrameworkApiKeyConfig):
    verbose_name = _("API key permissions")


# The packages' own msgids the project's catalogue translates (they are missing from the packages'
# Chinese catalogues), listed so that ``makemessages`` keeps them in locale/.
THIRD_PARTY_MSGIDS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    gettext_noop(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. (Example: "0,5")'  # noqa: E501
    ),
    gettext_noop("A free-form name for the API key. Need not be unique. 50 characters max."),
    gettext_noop(
        "If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)"
    ),
    gettext_noop("Expires"),
    gettext_noop("Once API key expires, clients cannot use it anymore."),
    gettext_noop("Changes"),
    gettext_noop("Schedule"),
    gettext_noop("Execution Options"),
    gettext_noop("Arguments"),
    gettext_noop("Locked Out"),
)
