"""Shared helpers of the tracking services: the feed's acting user, recipients, the policy."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from courier.core.services.notifications import users_in_role  # noqa: F401 (re-exported)
from tracking.models import TrackingPolicy

# Carrier events move shipments as this user (it holds only the transition permissions below);
# the event row itself names the partner's service user who sent it.
FEED_USERNAME = "tracking-feed"
FEED_PERMISSIONS = ("move_shipment", "deliver_shipment")


def feed_user():
    """The user the carrier feed moves shipments as (created with its permissions if missing)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=FEED_USERNAME, defaults={"first_name": "Tracking feed", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="courier", codename__in=FEED_PERMISSIONS
            )
        )
    return user


def policy() -> TrackingPolicy:
    return TrackingPolicy.current()
