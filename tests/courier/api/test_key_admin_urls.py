"""Issue 12 item 6: no hash in the admin URLs (or pages) of partner API keys."""

import pytest

from courier.core.models import PartnerAPIKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _secrets(row):
    """What must never appear: the stored hash and the id that embeds it."""
    return [row.hashed_key, row.pk, row.pk.split(".", 1)[1]]


def test_changelist_and_change_page_name_keys_by_prefix_only(client, make_key):
    """API-02, API-08: the key list links and selects keys by their prefix; neither the list,
    the key's page, its history nor the partner's page contains the hash."""
    row, _plain = make_key()
    other, _ = make_key(partner=row.partner)
    client.force_login(UserFactory(username="root", is_superuser=True))
    listing = client.get("/admin/courier/partnerapikey/").content.decode()
    assert f'href="/admin/courier/partnerapikey/{row.prefix}/change/' in listing
    assert f'name="_selected_action" value="{row.prefix}"' in listing
    pages = [
        listing,
        client.get(f"/admin/courier/partnerapikey/{row.prefix}/change/").content.decode(),
        client.get(f"/admin/courier/partnerapikey/{row.prefix}/history/").content.decode(),
        client.get(f"/admin/courier/partner/{row.partner.pk}/change/").content.decode(),
    ]
    for page in pages:
        for key in (row, other):
            for secret in _secrets(key):
                assert secret not in page
    assert f"/admin/courier/partnerapikey/{row.prefix}/change/" in pages[3]


def test_the_revoke_action_and_button_work_by_prefix(client, make_key):
    """API-02: revoking from the list (selected by prefix) and from the key's page works; the
    other key is untouched; a key is never deleted from the list."""
    row, _ = make_key()
    other, _ = make_key(partner=row.partner)
    third, _ = make_key(partner=row.partner)
    client.force_login(UserFactory(username="root", is_superuser=True))
    listing = client.get("/admin/courier/partnerapikey/")
    assert "delete_selected" not in listing.context["action_form"].fields["action"].choices[1:][0]
    response = client.post(
        "/admin/courier/partnerapikey/",
        {"action": "revoke_keys", "_selected_action": [row.prefix], "index": 0},
    )
    assert response.status_code == 302
    button = client.post(f"/admin/courier/partnerapikey/{third.prefix}/do/revoke_keys/")
    assert button.status_code in (200, 302)
    if button.status_code == 200:  # a confirmation page first
        assert third.hashed_key not in button.content.decode()
        client.post(
            f"/admin/courier/partnerapikey/{third.prefix}/do/revoke_keys/", {"confirm": "yes"}
        )
    revoked = dict(PartnerAPIKey.objects.values_list("prefix", "revoked"))
    assert revoked == {row.prefix: True, other.prefix: False, third.prefix: True}
