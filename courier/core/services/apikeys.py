"""Partner API keys and service users: every write here."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.core.models import API_SCOPES, Partner, PartnerAPIKey
from courier.core.models.apikeys import TEST_KEY_PREFIX


def partner_service_user_ensure(partner: Partner):
    """The user a partner's API requests act as; created (inactive for logins) when missing."""
    if partner.service_user_id:
        return partner.service_user
    User = get_user_model()
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if locked.service_user_id is None:
            user, _created = User.objects.get_or_create(
                username=f"partner-{locked.code.lower()}",
                defaults={"first_name": locked.name[:150], "is_staff": False},
            )
            if _created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            locked.service_user = user
            locked.save(update_fields=["service_user"])
        partner.service_user = locked.service_user
    return partner.service_user


def _clean_scopes(scopes) -> list[str]:
    scopes = sorted({s.strip() for s in scopes if s and s.strip()})
    unknown = [s for s in scopes if s not in API_SCOPES]
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(scopes)s. Known: %(known)s.")
            % {"scopes": ", ".join(unknown), "known": ", ".join(API_SCOPES)}
        )
    if not scopes:
        raise ValidationError(_("A key needs at least one scope."))
    return scopes


def partner_sandbox_ensure(partner: Partner) -> Partner:
    """The partner's sandbox partner (``<CODE>-TEST``, ``is_sandbox``), created when missing.
    Test keys belong to it; its data never counts in statements, reports or SLA figures, and the
    nightly cleanup deletes it after ``sandbox_keep_days``."""
    if partner.is_sandbox:
        return partner
    with transaction.atomic():
        live = Partner.objects.select_for_update().get(pk=partner.pk)
        sandbox = Partner.objects.filter(live_partner=live).first()
        if sandbox is None:
            sandbox = Partner.objects.create(
                code=f"{live.code[:27]}-TEST",
                name=f"{live.name[:190]} (sandbox)",
                is_sandbox=True,
                live_partner=live,
                is_vip=live.is_vip,
            )
        partner_service_user_ensure(sandbox)
    return sandbox


def partner_api_key_create(
    partner: Partner,
    *,
    name: str,
    scopes,
    expiry_date=None,
    instance: PartnerAPIKey | None = None,
    sandbox: bool = False,
) -> tuple[PartnerAPIKey, str]:
    """A new key; returns ``(key_row, plain_key)``. The plain key is never stored: show it once.
    ``instance``: an unsaved row to fill and save (the admin's form object). ``sandbox``: a test
    key (``ck_test_...``) of the partner's sandbox partner."""
    scopes = _clean_scopes(scopes)
    if expiry_date is not None and expiry_date <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."))
    with transaction.atomic():
        if sandbox or partner.is_sandbox:
            partner = partner_sandbox_ensure(partner)
        partner_service_user_ensure(partner)
        key = instance if instance is not None else PartnerAPIKey()
        key.partner, key.name, key.scopes, key.expiry_date = partner, name[:50], scopes, expiry_date
        plain = PartnerAPIKey.objects.assign_key(key)
        key.save(force_insert=True)
        if partner.is_sandbox:
            plain = TEST_KEY_PREFIX + plain
        return key, plain


def partner_api_key_revoke(key: PartnerAPIKey) -> PartnerAPIKey:
    """Revoke at once: the next request with this key is refused."""
    with transaction.atomic():
        locked = PartnerAPIKey.objects.select_for_update().get(pk=key.pk)
        if not locked.revoked:
            locked.revoked = True
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked", "revoked_at"])
    return locked
