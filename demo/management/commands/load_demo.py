"""`manage.py load_demo`: every app's demo data in turn; idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import agencies, innovations, judging, public
from innovations.public_year import refresh_public_years

# One loader per app, in the order the apps build on each other.
DEMO_MODULES = [agencies, innovations, judging, public]


class Command(BaseCommand):
    help = "Load the Kota Sukabumi demo data (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo accounts have a published password.",
        )

    def handle(self, *args, force=False, **options):
        # TESTING exists only in kiks.settings_test (the tests run with DEBUG off).
        if not settings.DEBUG and not getattr(settings, "TESTING", False) and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo accounts have a published "
                "password. Use --force if this really is a demonstration server."
            )
        for module in DEMO_MODULES:
            self.stdout.write(f"Loading {module.__name__} ...")
            module.load(stdout=self.stdout)
        # Proposals were written directly (not through the workflow): the registry's order.
        refresh_public_years()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Password of every demo account: demo-kiks-2021")
        )
