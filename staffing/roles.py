"""Roles (ORG-02) as auth groups, and the model permissions each one holds.

Permissions are matched as ``app_label.codename`` shell patterns, so a model added later is
covered by its role once ``roles_sync`` runs again (each app's migration that adds models calls
it). Group names are stable codes; the labels are what people read.
"""

from fnmatch import fnmatch

from django.utils.translation import gettext_lazy as _

DOMAIN_APPS = ("courier", "tracking", "complaints", "staffing")
VIEW_ALL = [f"{app}.view_*" for app in DOMAIN_APPS]

# Shipment transitions and return steps held by roles (courier custom permissions).
SHIPMENT_SUPERVISION = [
    "courier.print_shipment",
    "courier.pack_shipment",
    "courier.move_shipment",
    "courier.deliver_shipment",
    "courier.cancel_shipment",
    "courier.recall_shipment",
    "courier.mark_shipment_lost",
    "courier.approve_early_dispatch",
    "courier.sign_goods_inspection",
]

ROLE_LABELS = {
    "agent": _("CS agent"),
    "presales": _("Pre-sales"),
    "aftersales": _("After-sales"),
    "printing": _("Printing desk"),
    "warehouse": _("Warehouse"),
    "supervisor": _("CS supervisor"),
    "platform_supervisor": _("Platform supervisor"),
    "manager": _("CS manager"),
    "hq": _("Headquarters"),
    "finance": _("Finance"),
}

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "agent": VIEW_ALL
    + [
        "courier.add_deliveryauthorisation",
        "courier.add_deliveryexception",
        "courier.change_deliveryexception",
        "complaints.add_*",
        "complaints.change_*",
        "tracking.add_*",
        "tracking.change_*",
        "staffing.add_swaprequest",
        "staffing.add_leaverequest",
        "staffing.add_punchcorrection",
        "staffing.add_handovernote",
        "staffing.change_handovernote",
    ],
    "presales": VIEW_ALL
    + [
        "courier.cancel_shipment",
        "courier.add_deliveryauthorisation",
        "courier.add_order*",
        "courier.change_order*",
        "courier.add_shipment",
        "courier.change_shipment",
        "courier.*_deskinstruction",
        "tracking.add_*",
        "staffing.add_swaprequest",
        "staffing.add_leaverequest",
        "staffing.add_punchcorrection",
    ],
    "aftersales": VIEW_ALL
    + [
        "courier.cancel_shipment",
        "courier.recall_shipment",
        "courier.*_recallslip",
        "courier.*_insuranceclaim",
        "courier.*_compensationproposal",
        "courier.add_deliveryauthorisation",
        "courier.*_return*",
        "courier.*_exchange*",
        "courier.change_shipment",
        "courier.*_deskinstruction",
        "courier.*_deliveryexception*",
        "complaints.add_*",
        "complaints.change_*",
        "tracking.add_*",
        "tracking.change_*",
        "staffing.add_swaprequest",
        "staffing.add_leaverequest",
        "staffing.add_punchcorrection",
    ],
    "printing": [
        "courier.print_shipment",
        "courier.change_recallslip",
        "courier.view_*",
        "courier.change_shipment",
        "courier.change_deskinstruction",
        "courier.change_return*",
        "staffing.view_*",
        "staffing.add_swaprequest",
        "staffing.add_leaverequest",
        "staffing.add_punchcorrection",
    ],
    "warehouse": [
        "courier.pack_shipment",
        "courier.move_shipment",
        "courier.deliver_shipment",
        "courier.sign_goods_inspection",
        "courier.add_counterpickup",
        "courier.add_cashhandover",
        "courier.add_deliveryexception",
        "courier.view_*",
        "courier.change_shipment",
        "courier.change_deskinstruction",
        "courier.*_stationscan*",
        "courier.change_return*",
        "staffing.view_*",
        "staffing.add_leaverequest",
        "staffing.add_punchcorrection",
    ],
    "supervisor": VIEW_ALL
    + SHIPMENT_SUPERVISION
    + [
        "courier.run_report",
        "tracking.manage_*",
        "courier.add_*",
        "courier.change_*",
        "complaints.add_*",
        "complaints.change_*",
        "tracking.add_*",
        "tracking.change_*",
        "staffing.add_*",
        "staffing.change_*",
    ],
    "platform_supervisor": VIEW_ALL
    + SHIPMENT_SUPERVISION
    + [
        "courier.run_report",
        "tracking.manage_*",
        "courier.add_*",
        "courier.change_*",
        "complaints.add_*",
        "complaints.change_*",
        "tracking.add_*",
        "tracking.change_*",
        "staffing.change_*",
    ],
    "manager": VIEW_ALL
    + SHIPMENT_SUPERVISION
    + [
        "courier.approve_finance",
        "courier.run_report",
        "tracking.manage_*",
        "courier.add_*",
        "courier.change_*",
        "complaints.add_*",
        "complaints.change_*",
        "tracking.add_*",
        "tracking.change_*",
        "staffing.add_*",
        "staffing.change_*",
        "django_celery_beat.view_*",
        "django_celery_beat.change_*",
    ],
    "hq": VIEW_ALL + ["complaints.add_*", "complaints.change_*", "courier.run_report"],
    "finance": [
        "courier.manage_finance",
        "courier.receive_cashhandover",
        "courier.change_cashhandover",
        "courier.view_*",
        "staffing.view_*",
        "staffing.change_settlement*",
        "staffing.*_fundentry*",
    ],
}


# Complaints (issue 5): agents handle complaints; supervisors and above also cancel, reopen and
# decide verdicts; managers, HQ and finance approve compensation.
for _role in ("agent", "aftersales", "supervisor", "platform_supervisor", "manager", "hq"):
    ROLE_PERMISSIONS[_role].append("complaints.handle_*")
for _role in ("supervisor", "platform_supervisor", "manager", "hq"):
    ROLE_PERMISSIONS[_role].append("complaints.supervise_*")
for _role in ("manager", "hq", "finance"):
    ROLE_PERMISSIONS[_role].append("complaints.approve_*")


def role_permission_codes(role: str, available: list[str]) -> list[str]:
    """The ``app_label.codename`` strings from ``available`` that ``role`` holds."""
    patterns = ROLE_PERMISSIONS[role]
    return [code for code in available if any(fnmatch(code, p) for p in patterns)]


def roles_sync(apps=None) -> dict[str, int]:
    """Create every role group and set its permissions; safe to run any number of times.

    ``apps`` is the migration state registry when called from a migration.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    registry = apps or global_apps
    for app_config in registry.get_app_configs():
        # Migration-state app configs carry no models module, which create_permissions skips.
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=registry, verbosity=0)
        if stub:
            app_config.models_module = None
    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    by_code = {
        f"{p.content_type.app_label}.{p.codename}": p.pk
        for p in Permission.objects.select_related("content_type")
    }
    result = {}
    for role in ROLE_PERMISSIONS:
        group, _ = Group.objects.get_or_create(name=role)
        pks = [by_code[c] for c in role_permission_codes(role, sorted(by_code))]
        group.permissions.set(pks)
        result[role] = len(pks)
    return result
