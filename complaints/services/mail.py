"""Emails to customers (not staff): the proposed solution and the survey link. Idempotent.

The rows are the outbox: a complaint whose solution was sent but not mailed
(``solution_mailed_at`` empty or older than ``solution_sent_at``) and a survey not yet mailed
(``mailed_at`` empty, still valid) still owe their e-mail. Sending is queued after commit
(``*_queue_after_commit``, which never raises when the broker is down) and the
``complaints-mail-dispatch`` job sends whatever is still owed.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, Survey
from courier.core.services.outbox import queue_after_commit, task_delay_safely

logger = logging.getLogger("complaints.mail")

# Mail owed for longer than this is given up (the customer has long been called by then).
DISPATCH_WINDOW = dt.timedelta(days=3)
# A row this young is still being queued by its own request; the dispatcher leaves it alone.
DISPATCH_GRACE = dt.timedelta(minutes=2)


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


# --- queueing (after commit, never raising) ------------------------------------------------------


def solution_mail_queue_after_commit(complaint_id: int) -> None:
    """CMP-07: queue the solution e-mail once the caller's transaction commits; a broker failure
    is logged and the dispatcher sends it later."""

    def queue():
        from complaints.tasks import complaint_solution_mail

        return task_delay_safely(
            complaint_solution_mail, complaint_id, what=f"solution mail {complaint_id}"
        )

    queue_after_commit(queue, what=f"solution mail {complaint_id}")


def survey_mail_queue_after_commit(survey_id: int) -> None:
    """CMP-13: queue the survey e-mail once the caller's transaction commits (see above)."""

    def queue():
        from complaints.tasks import survey_mail

        return task_delay_safely(survey_mail, survey_id, what=f"survey mail {survey_id}")

    queue_after_commit(queue, what=f"survey mail {survey_id}")


# --- the dispatcher -------------------------------------------------------------------------------


def solution_mails_owed(now=None):
    now = now or timezone.now()
    return (
        Complaint.objects.exclude(customer_email="")
        .filter(
            solution_sent_at__isnull=False,
            solution_sent_at__lte=now - DISPATCH_GRACE,
            solution_sent_at__gte=now - DISPATCH_WINDOW,
        )
        .filter(
            Q(solution_mailed_at__isnull=True) | Q(solution_mailed_at__lt=F("solution_sent_at"))
        )
        .order_by("solution_sent_at")
    )


def survey_mails_owed(now=None):
    now = now or timezone.now()
    return (
        Survey.objects.exclude(complaint__customer_email="")
        .filter(
            mailed_at__isnull=True,
            answered_at__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - DISPATCH_GRACE,
            created_at__gte=now - DISPATCH_WINDOW,
        )
        .order_by("created_at")
    )


def customer_mails_dispatch_due(limit: int = 100, now=None) -> dict:
    """Send every solution and survey e-mail still owed (its queueing failed or the worker lost
    it); each send re-checks its row under a lock, so racing the task sends nothing twice."""
    now = now or timezone.now()
    sent = {"solution": 0, "survey": 0}
    for pk in solution_mails_owed(now).values_list("pk", flat=True)[:limit]:
        sent["solution"] += solution_mail_send(pk)
    for pk in survey_mails_owed(now).values_list("pk", flat=True)[:limit]:
        sent["survey"] += survey_mail_send(pk)
    if any(sent.values()):
        logger.info("customer mail dispatcher sent %s", sent)
    return sent
