import pytest
from django.core import mail

from courier.core.models import Notification
from courier.core.services.notifications import notification_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notice_created_once_per_source_and_emailed_after_commit(
    django_capture_on_commit_callbacks,
):
    """ORG-03: a notice reaches only its recipient, once per source, with one email."""
    boss = UserFactory(username="boss", email="boss@courier.example")
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(
            [boss, boss],
            "Complaint C-1 escalated",
            "due 10:30",
            dedupe_key="complaint:1:escalated:1",
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = notification_send(
            [boss], "Complaint C-1 escalated", dedupe_key="complaint:1:escalated:1"
        )
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(recipient=boss).count() == 1
    assert [m.subject for m in mail.outbox] == ["Complaint C-1 escalated"]
    assert mail.outbox[0].to == ["boss@courier.example"]
    assert Notification.objects.get().emailed_at is not None


def test_admin_shows_only_own_notices(client):
    """ORG-03: customer data is never shown to people without a need: own notices only."""
    me, other = UserFactory(username="me"), UserFactory(username="other")
    notification_send([me], "mine", email=False)
    notification_send([other], "theirs", email=False)
    client.force_login(me)
    page = client.get("/admin/courier/notification/")
    assert page.status_code == 200
    assert b"mine" in page.content and b"theirs" not in page.content
    theirs = Notification.objects.get(subject="theirs")
    assert client.get(f"/admin/courier/notification/{theirs.pk}/change/").status_code == 302
