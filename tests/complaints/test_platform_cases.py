"""Issue 13 point 11: the supervisor's daily review of the shop's orders in refund and in
dispute (CMP-14), and what S1, A8 and A9 are judged on."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import PlatformCase
from complaints.services import ComplaintError
from complaints.services.platform_cases import (
    platform_case_add,
    platform_case_close,
    platform_case_handle,
    platform_case_recover,
    platform_case_remind,
    platform_case_steps_available,
    platform_cases_import,
    review_queue,
)
from courier.core.errors import PermissionRefused, StateConflict
from courier.core.models import Notification
from staffing.models import ScoreEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _deadline(hours=24):
    return timezone.now() + dt.timedelta(hours=hours)


def _csv(text: str, name="cases.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_adds_good_rows_and_reports_each_bad_or_duplicate_row(org):
    """CMP-14: the platform's export is imported; a duplicate of an open case (in the queue or
    twice in the file) and every bad row are refused with their line; good rows are added."""
    platform_case_add(
        user=org.supervisor.user,
        kind="refund",
        platform_order_ref="TB100",
        platform_deadline=_deadline(),
    )
    text = (
        "kind,platform_order_ref,platform_deadline,buyer_ref,amount,owner\n"
        "退款中,TB100,2026-12-03 18:00,buyer1,199.00,\n"
        "维权中,TB200,2026-12-03 18:00,buyer2,88.50,cs-senior\n"
        "refund,TB300,2026-12-04,buyer3,,\n"
        "dispute,TB200,2026-12-03 18:00,buyer2,,\n"
        "返现,TB400,tomorrow,buyer4,abc,nobody\n"
    )
    result = platform_cases_import(user=org.supervisor.user, upload=_csv(text))
    assert [(c.kind, c.platform_order_ref, c.source) for c in result.created] == [
        ("dispute", "TB200", "import"),
        ("refund", "TB300", "import"),
    ]
    assert result.errors == [
        (2, "Order TB100 is already in the queue as “In refund (退款中)”."),
        (5, "the order appears twice in the file"),
        (
            6,
            "the kind must be refund or dispute; the deadline must be YYYY-MM-DD HH:MM; the "
            "amount is not a number; no active employee has the login nobody",
        ),
    ]
    tb200 = PlatformCase.objects.get(platform_order_ref="TB200")
    assert (tb200.owner, tb200.amount, tb200.supervisor) == (org.senior, 88.5, org.supervisor)
    tb300 = PlatformCase.objects.get(platform_order_ref="TB300")
    assert timezone.localtime(tb300.platform_deadline).strftime("%Y-%m-%d %H:%M") == (
        "2026-12-04 23:59"
    )
    assert PlatformCase.objects.count() == 3


def test_import_refuses_a_file_with_missing_columns_and_other_roles(org):
    """CMP-14: a file without the required columns is refused naming them; only the
    supervisor line imports."""
    with pytest.raises(Exception) as info:
        platform_cases_import(user=org.supervisor.user, upload=_csv("kind,order\nrefund,1\n"))
    assert "missing columns: platform_order_ref, platform_deadline" in " ".join(info.value.messages)
    with pytest.raises(PermissionRefused):
        platform_cases_import(user=org.senior.user, upload=_csv("kind\n"))


def test_queue_by_deadline_and_reminder_notifies_after_sales(org):
    """CMP-14: the queue lists open cases by platform deadline; reminding after-sales sends the
    owner a notice naming the order and the deadline."""
    later = platform_case_add(
        user=org.supervisor.user,
        kind="refund",
        platform_order_ref="TB2",
        platform_deadline=_deadline(30),
    )
    sooner = platform_case_add(
        user=org.supervisor.user,
        kind="dispute",
        platform_order_ref="TB1",
        platform_deadline=_deadline(2),
    )
    assert list(review_queue()) == [sooner, later]
    with pytest.raises(ComplaintError):
        platform_case_remind(sooner, user=org.supervisor.user)
    with pytest.raises(PermissionRefused):
        platform_case_remind(sooner, user=org.senior.user, owner=org.senior)
    case = platform_case_remind(sooner, user=org.supervisor.user, owner=org.senior)
    assert case.reminded_at is not None and case.owner == org.senior
    notice = Notification.objects.get()
    deadline = timezone.localtime(sooner.platform_deadline).strftime("%Y-%m-%d %H:%M")
    assert (notice.recipient, notice.subject) == (
        org.senior.user,
        f"In dispute (维权中): order TB1, handle before {deadline}",
    )


def test_dispute_lost_without_reminder_costs_the_supervisor_s1(org):
    """S1, CMP-14: a dispute that succeeded while after-sales had not been reminded costs the
    reviewing supervisor 3 points."""
    case = platform_case_add(
        user=org.supervisor.user,
        kind="dispute",
        platform_order_ref="TB9",
        platform_deadline=_deadline(),
        owner=org.senior,
    )
    case = platform_case_close(case, user=org.supervisor.user, outcome="dispute_lost")
    event = ScoreEvent.objects.get()
    assert (event.employee, event.rule.code, event.points) == (org.supervisor, "S1", -3)
    assert case.score_note == f"S1 recorded against {org.supervisor.name}."
    assert (case.state, case.outcome) == ("closed", "dispute_lost")


def test_a_deduction_that_cannot_be_recorded_goes_to_the_managers(org):
    """A9, CMP-14: an automatic refund of a case with no after-sales owner closes (its outcome
    is a fact), records no score event, says why in its note, and the managers are sent the
    deduction to record by hand, once."""
    from courier.core.models import Notification

    case = platform_case_add(
        user=org.supervisor.user,
        kind="refund",
        platform_order_ref="TB6",
        platform_deadline=_deadline(),
    )
    case = platform_case_close(case, user=org.supervisor.user, outcome="refund_auto")
    assert (case.state, ScoreEvent.objects.count()) == ("closed", 0)
    assert case.score_note == "A9 not recorded: nobody is named."
    notice = Notification.objects.get(recipient=org.manager.user)
    assert notice.subject == "Order TB6: a deduction to record by hand"
    assert notice.body == "A9 not recorded: nobody is named."


def test_dispute_lost_after_a_timely_reminder_costs_after_sales_a8(org):
    """A8, S1, CMP-14: reminded before the platform's deadline, a lost dispute costs the
    after-sales owner A8 (−3) and not the supervisor."""
    case = platform_case_add(
        user=org.supervisor.user,
        kind="dispute",
        platform_order_ref="TB8",
        platform_deadline=_deadline(),
    )
    platform_case_remind(case, user=org.supervisor.user, owner=org.senior)
    platform_case_close(case, user=org.supervisor.user, outcome="dispute_lost")
    event = ScoreEvent.objects.get()
    assert (event.employee, event.rule.code, event.points) == (org.senior, "A8", -3)


def test_auto_refund_costs_a9_cancelled_when_the_customer_pays_full_price(org):
    """A9, CMP-14: a refund that went through automatically costs the owner A9 (−3); when the
    customer later pays the goods' full price A9 is reversed by the supervisor (never by the
    owner it was recorded against); a second recovery is refused."""
    case = platform_case_add(
        user=org.supervisor.user,
        kind="refund",
        platform_order_ref="TB7",
        platform_deadline=_deadline(),
        owner=org.senior,
    )
    with pytest.raises(ComplaintError):
        platform_case_close(case, user=org.supervisor.user, outcome="dispute_lost")
    with pytest.raises(PermissionRefused):
        platform_case_close(case, user=org.senior.user, outcome="refund_auto")
    platform_case_close(case, user=org.supervisor.user, outcome="refund_auto")
    a9 = ScoreEvent.objects.get()
    assert (a9.employee, a9.rule.code, a9.points) == (org.senior, "A9", -3)
    case.refresh_from_db()
    assert platform_case_steps_available(case, org.senior.user) == set()
    assert platform_case_steps_available(case, org.supervisor.user) == {"recover"}
    with pytest.raises(PermissionRefused):
        platform_case_recover(case, user=org.senior.user, condition="full_price_paid")
    assert not ScoreEvent.objects.filter(kind="reversal").exists()
    with pytest.raises(ComplaintError) as info:
        platform_case_recover(case, user=org.supervisor.user, condition="half_freight_paid")
    assert info.value.message_dict == {
        "condition": ["Rule A9 is not cancelled by “half_freight_paid”."]
    }
    case = platform_case_recover(case, user=org.supervisor.user, condition="full_price_paid")
    reversal = ScoreEvent.objects.get(kind="reversal")
    assert (reversal.reverses, reversal.points) == (a9, 3)
    assert reversal.reason == "A9 cancelled: 客户愿意补给我们商品全额"
    assert case.recovered_condition == "full_price_paid"
    with pytest.raises(StateConflict):
        platform_case_recover(case, user=org.supervisor.user, condition="goods_recovered")


def test_handled_in_time_costs_nothing_and_closed_case_is_final(org):
    """CMP-14: after-sales records the handling; closed as handled in time no rule is
    recorded; a closed case takes no more steps."""
    case = platform_case_add(
        user=org.supervisor.user,
        kind="refund",
        platform_order_ref="TB6",
        platform_deadline=_deadline(),
    )
    with pytest.raises(ComplaintError):
        platform_case_handle(case, user=org.senior.user, handling=" ")
    case = platform_case_handle(case, user=org.senior.user, handling="已同意退款，客户已退货")
    assert (case.owner, case.handling) == (org.senior, "已同意退款，客户已退货")
    platform_case_close(case, user=org.supervisor.user, outcome="resolved")
    assert ScoreEvent.objects.count() == 0
    with pytest.raises(StateConflict) as info:
        platform_case_handle(case, user=org.senior.user, handling="again")
    assert info.value.messages == ["This case is already closed."]
    again = platform_case_add(
        user=org.supervisor.user,
        kind="refund",
        platform_order_ref="TB6",
        platform_deadline=_deadline(),
    )
    assert again.pk != case.pk  # a closed case does not block the order's next refund


def test_admin_queue_import_and_steps_by_role(org, client):
    """CMP-14: the supervisor imports from the change list (row errors shown as messages);
    after-sales sees the handling step but no remind or close."""
    client.cookies["django_language"] = "en"
    client.force_login(org.supervisor.user)
    assert "Import CSV / Excel" in client.get("/admin/complaints/platformcase/").content.decode()
    response = client.post(
        "/admin/complaints/platformcase/import/",
        {
            "file": _csv(
                "kind,platform_order_ref,platform_deadline\nrefund,TB1,2026-12-09 10:00\n"
                "x,TB2,2026-12-09 10:00\n"
            )
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [
        "1 orders added to the queue.",
        "Line 3: the kind must be refund or dispute",
    ]
    case = PlatformCase.objects.get()
    client.force_login(org.senior.user)
    page = client.get(f"/admin/complaints/platformcase/{case.pk}/change/").content.decode()
    base = f"/admin/complaints/platformcase/{case.pk}/do/"
    assert f"{base}handle/" in page
    assert f"{base}remind/" not in page and f"{base}close/" not in page
    assert client.get("/admin/complaints/platformcase/import/").status_code == 403
