"""Complaints in the API security matrix (see tests/api_registry.py)."""

from tests.api_registry import partner_object
from tests.complaints.factories import complaint_new


@partner_object("complaints.Complaint", paths=["complaints/{id}"])
def complaint(partner):
    return complaint_new(partner.service_user, partner=partner, channel="api")
