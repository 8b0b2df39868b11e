from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _defaults_ensure(sender, using="default", **kwargs):
    # The data migration seeds the SLA policies; a database flushed afterwards (tests that use
    # transactions) gets the documented defaults back. Existing rows are never changed.
    from complaints.services.seed import complaint_defaults_ensure

    complaint_defaults_ensure(using=using)


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        post_migrate.connect(_defaults_ensure, sender=self, dispatch_uid="complaints-defaults")
