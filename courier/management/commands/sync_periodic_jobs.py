from django.core.management.base import BaseCommand

from courier.periodic import periodic_jobs_sync


class Command(BaseCommand):
    help = "Write the periodic jobs declared in courier/periodic.py to beat's schedule."

    def handle(self, *args, **options):
        for name, action in periodic_jobs_sync().items():
            self.stdout.write(f"{action:8} {name}")
