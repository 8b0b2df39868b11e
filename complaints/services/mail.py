"""Emails to customers (not staff): the proposed solution and the survey link. Idempotent."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, Survey


def solution_mail_send(complaint_id: int) -> bool:
    with transaction.atomic():
        c = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
        if c is None or not c.customer_email or c.solution_sent_at is None:
            return False
        if c.solution_mailed_at and c.solution_mailed_at >= c.solution_sent_at:
            return False
        send_mail(
            _("Your complaint #%(pk)s: our proposed solution") % {"pk": c.pk},
            c.solution,
            settings.DEFAULT_FROM_EMAIL,
            [c.customer_email],
        )
        c.solution_mailed_at = timezone.now()
        c._history_user = None
        c.save(update_fields=["solution_mailed_at"])
    return True


def survey_url(survey: Survey) -> str:
    path = reverse("complaints:survey", kwargs={"token": survey.token})
    return settings.COMPLAINTS_PUBLIC_BASE_URL.rstrip("/") + path


def survey_mail_send(survey_id: int) -> bool:
    with transaction.atomic():
        s = Survey.objects.select_for_update().select_related("complaint").filter(pk=survey_id)
        s = s.first()
        if s is None or s.mailed_at is not None or not s.complaint.customer_email:
            return False
        send_mail(
            _("How did we handle your complaint?"),
            _("Please rate our handling from 1 to 5: %(url)s") % {"url": survey_url(s)},
            settings.DEFAULT_FROM_EMAIL,
            [s.complaint.customer_email],
        )
        s.mailed_at = timezone.now()
        s.save(update_fields=["mailed_at"])
    return True
