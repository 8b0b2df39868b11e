"""The home of each role: ``/`` (the login page first) and the admin index. Views only pick the
role and call ``courier.console.selectors``."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.console import selectors
from staffing import selectors as staffing_selectors


def home_context(request) -> dict:
    """The role and its figures for the logged-in user (empty for a login with no home)."""
    employee = staffing_selectors.employee_for_user(request.user)
    role = selectors.role_for(request.user, employee)
    now = timezone.now()
    context = {"console_role": role, "console_now": now, "console_employee": employee}
    if role == selectors.AGENT:
        context["agent"] = selectors.agent_home(employee, now)
    elif role == selectors.SUPERVISOR:
        context["board"] = selectors.supervisor_board(employee, now)
        context["agent"] = selectors.agent_home(employee, now)
    elif role in (selectors.MANAGER, selectors.HQ):
        context["matrix"] = selectors.manager_home(request.user, now)
    return context


def home(request):
    """``/``: the role's home after login; the login page otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {
        **admin.site.each_context(request),
        "title": _("My day"),
        **home_context(request),
    }
    return TemplateResponse(request, "console/home.html", context)


def admin_index(request, extra_context=None):
    """The admin index with the role's home above the list of models."""
    return admin.site.index(
        request, extra_context={**home_context(request), **(extra_context or {})}
    )
