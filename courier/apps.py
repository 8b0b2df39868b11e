from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CourierConfig(AppConfig):
    name = "courier"
    verbose_name = _("Shipments and partners")

    def ready(self):
        from courier.core.fastwrite import (
            fence_check,
            fsm_migration_speedup_install,
            history_descriptor_speedup_install,
            migration_state_speedup_install,
        )

        checks.register(fence_check)

        from courier.core.checks import register as deploy_checks_register

        deploy_checks_register()
        history_descriptor_speedup_install()
        fsm_migration_speedup_install()
        migration_state_speedup_install()

        # DLV-06: an open statement dispute holds its shipments' orders from anonymisation.
        from courier.finance.selectors import retention_holds as finance_holds
        from courier.shipments.services.holds import hold_provider_register

        hold_provider_register("finance", finance_holds)
