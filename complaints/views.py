"""Public, non-admin pages: the one-time satisfaction survey (CMP-13)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.selectors import survey_by_token
from complaints.services import ComplaintError, survey_answer

TEMPLATE = "complaints/survey.html"


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    s = survey_by_token(token)
    if s is None:
        return render(request, TEMPLATE, {"invalid": True}, status=404)
    if s.answered_at is not None or s.expires_at < timezone.now():
        return render(request, TEMPLATE, {"survey": s, "closed": True}, status=410)
    context = {"survey": s, "scores": [1, 2, 3, 4, 5]}
    if request.method == "POST":
        try:
            survey_answer(
                token, score=request.POST.get("score"), comment=request.POST.get("comment", "")
            )
        except ComplaintError as exc:
            return render(
                request, TEMPLATE, {**context, "error": " ".join(exc.messages)}, status=400
            )
        return render(request, TEMPLATE, {"survey": s, "done": True})
    return render(request, TEMPLATE, context)
