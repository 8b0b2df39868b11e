from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_resync(sender, **kwargs):
    # Keeps role groups covering models added by later migrations; the groups themselves are
    # created by this app's data migration.
    from staffing.roles import roles_sync

    roles_sync()


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing and scoring")

    def ready(self):
        post_migrate.connect(_roles_resync, sender=self, dispatch_uid="staffing-roles-resync")
