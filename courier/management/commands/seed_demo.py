"""Demo data: the logins, the partner and a working day's story (``courier.demo``), built
through the domains' services. Safe to run again: it keeps the data and adds nothing twice."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from courier.demo.cases import complaints_ensure
from courier.demo.clock import clock_now
from courier.demo.finance import fee_schedule_ensure
from courier.demo.parcels import parcels_ensure
from courier.demo.people import partner_ensure, people_ensure
from courier.demo.reports import reports_ensure
from courier.demo.team import leave_ensure, roster_ensure, scores_ensure, swap_ensure
from courier.finance.services.demo import finance_demo_account, finance_demo_seed
from courier.periodic import periodic_jobs_sync
from staffing.roles import roles_sync


class Command(BaseCommand):
    help = "Seed the demo (logins, partner, a day's story) and print the logins."

    def handle(self, *args, **options):
        logins_file = settings.VAR_DIR / "demo-logins.json"
        saved = json.loads(logins_file.read_text()) if logins_file.exists() else {}
        clock = clock_now()
        with transaction.atomic():
            roles_sync()
            periodic_jobs_sync()
            cast = people_ensure(saved)
            partner = partner_ensure(cast, saved)
            fee_schedule_ensure(partner, clock)
            finance_demo_account(partner)
            roster_ensure(cast, clock)
            swap_ensure(cast, clock)
            leave_ensure(cast, clock)
            shipments = parcels_ensure(cast, clock)
            complaints_ensure(cast, clock, shipments)
            scores_ensure(cast, clock)
            billed = [s for s in shipments.values() if s.state != "cancelled"]
            finance_demo_seed(partner, billed, user=cast.admin)
            reports_ensure(cast, clock)
        logins_file.write_text(json.dumps(cast.logins, indent=1))
        logins_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (username / password):"))
        for username, password in cast.logins.items():
            self.stdout.write(f"  {username:16} {password}")
