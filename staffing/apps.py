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
        from django.contrib.auth.signals import user_logged_in

        from staffing.views.language import language_restore_on_login

        post_migrate.connect(_roles_resync, sender=self, dispatch_uid="staffing-roles-resync")
        # A UI preference (the person's language), not a business flow.
        user_logged_in.connect(language_restore_on_login, dispatch_uid="staffing-language")
