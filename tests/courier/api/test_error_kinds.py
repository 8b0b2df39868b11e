"""One error root: the same kind of failure answers the same HTTP status and JSON shape from
every app (``courier.core.errors``), through the API and through the admin workflow kit."""

import pytest
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from complaints.services import ComplaintError, TransitionConflict
from courier.core.api.exceptions import api_exception_handler
from courier.core.errors import (
    ApplicationError,
    InvalidInput,
    NotFound,
    PermissionRefused,
    StateConflict,
)
from staffing.services.errors import RulesRefused, StaffingError
from staffing.services.scoring import MonthFrozen, ScoringError
from tests.courier.factories import OrderFactory, ShipmentFactory

BODY = {
    "category": "delay",
    "severity": "major",
    "description": "三天未到",
    "customer_name": "王先生",
    "customer_phone": "13800000000",
}


def _answer(exc):
    request = Request(APIRequestFactory().post("/api/v1/x/"))
    response = api_exception_handler(exc, {"request": request, "view": None})
    return response.status_code, response.data


def test_every_app_root_derives_from_the_one_root():
    """Each app's errors are ApplicationErrors; their conflicts are StateConflicts (and so also
    django-fsm's TransitionNotAllowed), still caught by the app's own root."""
    for app_root in (ComplaintError, StaffingError, ScoringError):
        assert issubclass(app_root, ApplicationError)
        assert issubclass(app_root, ValidationError)
    for conflict, app_root in ((TransitionConflict, ComplaintError), (MonthFrozen, ScoringError)):
        assert issubclass(conflict, StateConflict)
        assert issubclass(conflict, app_root)
        assert issubclass(conflict, TransitionNotAllowed)
        assert conflict.http_status == 409
    assert issubclass(RulesRefused, StaffingError)


@pytest.mark.parametrize(
    "conflict",
    [
        StateConflict("Too late."),
        TransitionConflict("Too late."),
        MonthFrozen("Too late."),
    ],
    ids=["shipments", "complaints", "staffing"],
)
def test_a_conflict_answers_409_invalid_state_from_every_app(conflict):
    """The same conflict from shipments, complaints or staffing: 409 with one body."""
    assert _answer(conflict) == (
        409,
        {"code": "invalid_state", "message": "Too late.", "details": None},
    )


@pytest.mark.parametrize(
    "invalid",
    [
        InvalidInput("Give a reason."),
        ComplaintError("Give a reason."),
        ScoringError("Give a reason."),
    ],
    ids=["platform", "complaints", "staffing"],
)
def test_invalid_input_answers_400_invalid_from_every_app(invalid):
    """Bad input from any app: 400 ``invalid`` with the message under non_field_errors."""
    status, body = _answer(invalid)
    assert status == 400
    assert body["code"] == "invalid"
    assert body["details"] == {
        "non_field_errors": [{"message": "Give a reason.", "code": "invalid"}]
    }


def test_permission_and_not_found_kinds_and_raised_codes():
    """403 and 404 kinds; a code given when raising is kept (``handed_to_aftersales``)."""
    assert _answer(PermissionRefused("Managers only."))[0] == 403
    assert _answer(PermissionRefused("Managers only."))[1]["code"] == "permission_denied"
    assert _answer(NotFound())[1] == {"code": "not_found", "message": "Not found.", "details": None}
    assert _answer(StateConflict("Shipped.", code="handed_to_aftersales"))[1]["code"] == (
        "handed_to_aftersales"
    )


@pytest.mark.django_db
def test_conflicts_over_http_from_shipments_and_complaints_have_one_shape(key_client):
    """SHP-07, CMP-07: cancelling a delivered shipment and answering a complaint that has no
    solution yet are both 409 ``invalid_state`` with a message and no details."""
    client = key_client()
    done = ShipmentFactory(order=OrderFactory(partner=client.partner), state="delivered")
    shipment = client.post(
        f"/api/v1/shipments/{done.waybill_number}/cancel/", {}, content_type="application/json"
    )
    complaint_id = client.post("/api/v1/complaints/", BODY, content_type="application/json").json()[
        "id"
    ]
    complaint = client.post(
        f"/api/v1/complaints/{complaint_id}/feedback/",
        {"accepted": True},
        content_type="application/json",
    )
    for response in (shipment, complaint):
        body = response.json()
        assert response.status_code == 409
        assert (set(body), body["code"], body["details"]) == (
            {"code", "message", "details"},
            "invalid_state",
            None,
        )
        assert body["message"]
