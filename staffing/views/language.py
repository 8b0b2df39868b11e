"""The header's language switch (issue 17.4): Django's ``set_language`` (the cookie), and the
choice kept on the person's profile; the login hook brings it back in a new session."""

from django.utils import translation
from django.views.i18n import set_language

from staffing.services.preferences import employee_language_of, employee_language_set


def language_switch(request):
    response = set_language(request)
    code = request.POST.get("language", "") if request.method == "POST" else ""
    if translation.check_for_language(code) and request.user.is_authenticated:
        employee_language_set(request.user, code)
    return response


def language_restore_on_login(sender, request, user, **kwargs):
    """``user_logged_in``: a UI preference, not a business flow. The profile's language becomes
    this session's: active for the rest of the request, and set as the language cookie on its
    response (``courier.core.middleware.LanguageCookieMiddleware``)."""
    code = employee_language_of(user)
    if request is None or not code:
        return
    translation.activate(code)
    request.LANGUAGE_CODE = code
    request.language_cookie = code
