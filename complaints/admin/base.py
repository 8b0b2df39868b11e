from django.contrib import messages
from django.http import HttpResponseRedirect

from complaints.services import ComplaintError


class ServiceErrorsAsMessages:
    """A service's refusal during the admin's save is shown as a message, nothing saved (the
    admin's transaction rolls back), instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ComplaintError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())
