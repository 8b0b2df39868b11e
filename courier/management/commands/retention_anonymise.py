"""Anonymise personal data past each partner's retention period (DLV-06, SHP-11)."""

from django.core.management.base import BaseCommand

from courier.shipments.services.retention import retention_anonymise


class Command(BaseCommand):
    help = "Anonymise personal data of orders completed more than the partner's retention ago."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report the counts.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many orders.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        counts = retention_anonymise(dry_run=dry_run, limit=limit)
        verb = "would anonymise" if dry_run else "anonymised"
        skip = ("dry_run", "held_reasons")
        detail = ", ".join(f"{k}={v}" for k, v in counts.items() if k not in skip)
        self.stdout.write(f"{verb}: {detail}")
        # DLV-06: due orders kept because something open still needs them.
        for reason, n in counts["held_reasons"].items():
            self.stdout.write(f"held ({reason}): {n}")
