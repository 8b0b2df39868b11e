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
        # DLV-06: retention never anonymises an order an open complaint, claim or shop-platform
        # dispute still needs (an explicit registration with the shipments domain, no signal).
        from complaints.selectors import retention_holds
        from courier.shipments.services.holds import hold_provider_register

        hold_provider_register("complaints", retention_holds)
