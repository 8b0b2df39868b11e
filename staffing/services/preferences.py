"""A person's UI preferences kept on their profile (issue 17.4): the language they chose."""

from django.conf import settings

from staffing.models import Employee


def employee_language_set(user, code: str) -> int:
    """Remember ``code`` as the language of ``user``'s profile; a login without a profile (the
    superuser, a partner's service login) keeps it in the browser's cookie only. One UPDATE:
    atomic by itself, and a preference is not history."""
    if code not in dict(settings.LANGUAGES) or not getattr(user, "is_authenticated", False):
        return 0
    return Employee.objects.filter(user=user).exclude(language=code).update(language=code)


def employee_language_of(user) -> str:
    """The language ``user``'s profile keeps ("" when none was chosen)."""
    return Employee.objects.filter(user=user).values_list("language", flat=True).first() or ""
