"""``manage.py create_partner_key CODE --scopes shipments:read,shipments:write [--name N]
[--expires-days D]``: prints only the new key (shown once; stored hashed)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courier.core.models import Partner
from courier.core.services.apikeys import partner_api_key_create


class Command(BaseCommand):
    help = "Create an API key for a partner and print it (only the key, once)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Partner code")
        parser.add_argument("--scopes", required=True, help="Comma-separated scopes")
        parser.add_argument("--name", default="", help="A name for the key")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args, code, scopes, name, expires_days, **options):
        try:
            partner = Partner.objects.get(code=code)
        except Partner.DoesNotExist:
            raise CommandError(f"No partner with code {code!r}.")
        expiry = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            _key, plain = partner_api_key_create(
                partner,
                name=name or f"cli-{timezone.now():%Y%m%d%H%M%S}",
                scopes=scopes.split(","),
                expiry_date=expiry,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        self.stdout.write(plain)
