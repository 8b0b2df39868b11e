"""Void the waybills of abandoned invalid orders (SHP-11)."""

from django.core.management.base import BaseCommand

from courier.shipments.services.cleanup import invalid_records_cleanup


class Command(BaseCommand):
    help = "Void never-printed waybills of orders that failed or never finished verification."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report the counts.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        counts = invalid_records_cleanup(dry_run=dry_run, limit=limit)
        verb = "would void" if dry_run else "voided"
        self.stdout.write(f"{verb}: shipments={counts['shipments_voided']}")
