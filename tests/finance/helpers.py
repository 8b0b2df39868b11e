"""Users with the finance permissions (the role patterns are the lead's; see the report)."""

from django.contrib.auth.models import Permission

from tests.factories import UserFactory


def finance_user(username=None, *, approve=False):
    user = UserFactory(**({"username": username} if username else {}))
    codes = ["manage_finance"] + (["approve_finance"] if approve else [])
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="courier", codename__in=codes)
    )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def manager_user(username=None):
    user = UserFactory(**({"username": username} if username else {}))
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="courier", codename="approve_finance")
    )
    return type(user).objects.get(pk=user.pk)
