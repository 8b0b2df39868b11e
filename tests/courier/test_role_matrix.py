"""Issue 12 item 1: least privilege as data. Every admin model (and every inline) × every role is
compared with the role × model matrix in ``staffing/role_matrix.py``; a model missing from the
matrix fails."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory

from staffing.role_matrix import MATRIX_APPS, MODEL_ACTIONS, MODEL_MATRIX, ROLES
from staffing.roles import ROLE_PERMISSIONS, role_permission_codes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LETTERS = "vacd"


def _role_request(role):
    user = UserFactory(username=f"matrix-{role}")
    user.groups.add(Group.objects.get(name=role))
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _effective(model_admin, request) -> str:
    """What the admin lets the request's user do with the model (no particular object)."""
    checks = {
        "v": lambda: model_admin.has_view_permission(request),
        "a": lambda: (
            model_admin.has_add_permission(request, None)
            if isinstance(model_admin, admin.options.InlineModelAdmin)
            else model_admin.has_add_permission(request)
        ),
        "c": lambda: model_admin.has_change_permission(request),
        "d": lambda: model_admin.has_delete_permission(request),
    }
    return "".join(letter for letter in LETTERS if checks[letter]())


def _admins():
    """Every registered model admin and every inline they show, by model label."""
    found = {}
    for model, model_admin in admin.site._registry.items():
        found.setdefault(model._meta.label_lower, []).append(model_admin)
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            found.setdefault(inline.model._meta.label_lower, []).append(inline)
    return found


def _expected(label: str, role: str) -> str:
    cell = MODEL_MATRIX[label][ROLES.index(role)]
    return "".join(letter for letter in LETTERS if letter in cell)


def test_every_admin_model_and_inline_is_in_the_matrix():
    """ORG-02, ORG-03: a model shown in the admin without a row in the matrix fails, and so does
    any model of the domain apps (a model added later is granted nothing until it has one)."""
    shown = set(_admins())
    assert sorted(shown - set(MODEL_MATRIX)) == []
    domain = {
        m._meta.label_lower
        for app in MATRIX_APPS
        for m in apps.get_app_config(app).get_models()
        if not m._meta.model_name.startswith("historical")
    }
    assert sorted(domain - set(MODEL_MATRIX)) == []
    assert sorted(set(MODEL_MATRIX) - {m._meta.label_lower for m in apps.get_models()}) == []


def test_effective_admin_permissions_equal_the_matrix_for_every_model_and_role():
    """ORG-02, ORG-03: for every admin model × every role, what the admin allows (view, add,
    change, delete) is exactly the matrix's lower-case letters; an inline allows no more than the
    letters the role holds."""
    admins = _admins()
    differences = []
    for role in ROLES:
        request = _role_request(role)
        for label, model_admins in sorted(admins.items()):
            for model_admin in model_admins:
                got, want = _effective(model_admin, request), _expected(label, role)
                inline = isinstance(model_admin, admin.options.InlineModelAdmin)
                # An inline on its parent's page may show less, and never more than is held.
                held = set(MODEL_MATRIX[label][ROLES.index(role)].lower())
                if (set(got) - held) if inline else (got != want):
                    differences.append(f"{label} {type(model_admin).__name__} {role}: {got!r}")
    assert differences == [], "\n".join(differences)


def test_group_model_permissions_are_exactly_the_matrix():
    """ORG-02: each role's group holds exactly the model permissions the matrix names (both
    cases) and no other; wildcards grant only step permissions, never a model permission."""
    for role in ROLES:
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")
        }
        model_held = {c for c in held if c.split(".")[1].split("_")[0] in MODEL_ACTIONS.values()}
        want = set()
        for label, cells in MODEL_MATRIX.items():
            app_label, model_name = label.split(".")
            for letter in cells[ROLES.index(role)].lower():
                want.add(f"{app_label}.{MODEL_ACTIONS[letter]}_{model_name}")
        existing = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Permission.objects.select_related("content_type")
        }
        assert model_held == want & existing, role


def test_rules_are_edited_only_by_the_manager_and_where_documented_hq():
    """ORG-02, CMP-03, SCR-08, STF-07, TRK-02, DLV-06: no role but the manager (and HQ for the
    complaint deadlines) may change a rule or policy; agents match none of them through a
    wildcard."""
    rules = {
        "complaints.change_slapolicy": {"manager", "hq"},
        "complaints.add_slapolicy": {"manager", "hq"},
        "complaints.change_complaintsettings": {"manager", "hq"},
        "staffing.change_scorerule": {"manager"},
        "staffing.change_scoretier": {"manager"},
        "staffing.change_scoringpolicy": {"manager"},
        "staffing.change_staffingpolicy": {"manager"},
        "staffing.change_leavetype": {"manager"},
        "tracking.manage_trackingpolicy": {"manager"},
        "courier.change_dispatchsettings": {"manager"},
        "courier.change_reportsettings": {"manager"},
        "courier.change_financesettings": {"manager"},
        "courier.set_partner_retention": {"manager"},
    }
    for code, holders in rules.items():
        got = {role for role in ROLES if role_permission_codes(role, [code])}
        assert got == holders, code
        in_db = set(
            Group.objects.filter(
                permissions__codename=code.split(".")[1],
                permissions__content_type__app_label=code.split(".")[0],
            ).values_list("name", flat=True)
        )
        assert in_db == holders, code
    # The patterns themselves would have matched (the finding): they are ignored.
    assert role_permission_codes("agent", ["complaints.change_slapolicy"]) == []
    assert "complaints.handle_*" in ROLE_PERMISSIONS["agent"]


def test_private_records_are_viewed_only_up_the_line_and_by_finance_for_money():
    """ORG-03: score events, settlements, wages (employee rows), leave, corrections, punches
    and feeds: no view for agents, the desks or HQ; finance reads settlements and the fund only."""
    private = [
        "staffing.scoreevent",
        "staffing.scoreappeal",
        "staffing.employee",
        "staffing.leaverequest",
        "staffing.punchcorrection",
        "staffing.punch",
        "staffing.attendanceday",
        "staffing.calendarfeed",
        "staffing.settlement",
        "staffing.settlementline",
        "staffing.fundentry",
    ]
    money = {"staffing.settlement", "staffing.settlementline", "staffing.fundentry"}
    for label in private:
        viewers = {role for role in ROLES if "v" in _expected(label, role)}
        line = {"supervisor", "platform_supervisor", "manager"}
        assert viewers == (line | {"finance"} if label in money else line), label
