"""Roles (ORG-02) as auth groups, and the permissions each one holds (issue 12 item 1).

Two tables, the one place these grants are made:

- ``MODEL_MATRIX`` (``staffing/role_matrix.py``): for every model of the domain apps, the model
  permissions (view, add, change, delete) each role's group holds. Nothing else grants a model
  permission: a wildcard can never reach a model, and a model added later is granted nothing
  until it has a row there (``tests/courier/test_role_matrix.py`` fails until it has).
- ``ROLE_PERMISSIONS`` below: the custom permissions of steps (print a waybill, handle a
  complaint, run a report, edit the tracking rules…), matched as ``app_label.codename`` shell
  patterns. A pattern that would match a model permission is ignored.

``roles_sync`` writes both into the groups; each app's migration that adds models or changes a
grant calls it. Group names are stable codes; the labels are what people read.
"""

from fnmatch import fnmatch

from django.utils.translation import gettext_lazy as _

from staffing.role_matrix import MODEL_ACTIONS, MODEL_MATRIX, ROLES

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
    "info_clerk": _("Information clerk"),
    "salesperson": _("Salesperson"),
    "station_head": _("Station head"),
    "senior_agent": _("Senior CS representative"),
}

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "agent": [],
    "presales": ["courier.cancel_shipment"],
    "aftersales": ["courier.cancel_shipment", "courier.recall_shipment"],
    "printing": ["courier.print_shipment"],
    "warehouse": [
        "courier.pack_shipment",
        "courier.move_shipment",
        "courier.deliver_shipment",
        "courier.sign_goods_inspection",
    ],
    "supervisor": SHIPMENT_SUPERVISION + ["courier.run_report"],
    "platform_supervisor": SHIPMENT_SUPERVISION + ["courier.run_report"],
    # The manager alone edits the rules: the tracking rules (TRK-02), a partner's data retention
    # (DLV-06), and approves credit and dispute outcomes (FIN).
    "manager": SHIPMENT_SUPERVISION
    + [
        "courier.approve_finance",
        "courier.run_report",
        "courier.set_partner_retention",
        "tracking.manage_*",
    ],
    "hq": ["courier.run_report"],
    "finance": ["courier.manage_finance", "courier.receive_cashhandover"],
    # ORG-04 (issue 13 point 13): the information clerk issues returns to the stations (recall);
    # the salesperson hears of anomalies and reads the reports; the station head does the
    # station's moves and deliveries and signs the goods inspection; the senior CS
    # representative owns work orders.
    "info_clerk": ["courier.recall_shipment"],
    "salesperson": ["courier.run_report"],
    "station_head": [
        "courier.move_shipment",
        "courier.deliver_shipment",
        "courier.sign_goods_inspection",
    ],
    "senior_agent": [],
}


# Complaints (issue 5): agents handle complaints; supervisors and above also cancel, reopen and
# decide verdicts; managers, HQ and finance approve compensation.
for _role in (
    "agent",
    "aftersales",
    "supervisor",
    "platform_supervisor",
    "manager",
    "hq",
    "senior_agent",
):
    ROLE_PERMISSIONS[_role].append("complaints.handle_*")
for _role in ("supervisor", "platform_supervisor", "manager", "hq"):
    ROLE_PERMISSIONS[_role].append("complaints.supervise_*")
for _role in ("manager", "hq", "finance"):
    ROLE_PERMISSIONS[_role].append("complaints.approve_*")

# Personal data (issue 12 item 2): agents see the full values of what they handle, the printing
# desk on the labels it prints (the masking code checks the object-level need as well).
for _role in ("agent", "presales", "aftersales", "senior_agent"):
    ROLE_PERMISSIONS[_role].append("courier.reveal_personal_data")
ROLE_PERMISSIONS["printing"].append("courier.print_personal_data")

assert tuple(ROLE_PERMISSIONS) == ROLES


def _is_model_permission(code: str) -> bool:
    codename = code.partition(".")[2]
    return codename.partition("_")[0] in MODEL_ACTIONS.values()


def model_permission_codes(role: str) -> set[str]:
    """The ``app_label.action_model`` codes ``MODEL_MATRIX`` gives ``role`` (any case: an
    upper-case letter is held for the services and buttons, though the admin's form refuses)."""
    column = ROLES.index(role)
    codes = set()
    for label, row in MODEL_MATRIX.items():
        app_label, model_name = label.split(".")
        for letter in row[column].lower():
            codes.add(f"{app_label}.{MODEL_ACTIONS[letter]}_{model_name}")
    return codes


def role_permission_codes(role: str, available: list[str]) -> list[str]:
    """The ``app_label.codename`` strings from ``available`` that ``role`` holds."""
    patterns = ROLE_PERMISSIONS[role]
    model_codes = model_permission_codes(role)
    held = []
    for code in available:
        if (
            code in model_codes
            or not _is_model_permission(code)
            and any(fnmatch(code, p) for p in patterns)
        ):
            held.append(code)
    return held


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
