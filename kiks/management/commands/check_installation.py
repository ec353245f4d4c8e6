"""`manage.py check_installation`: is this production installation ready? One line per check."""

from django.core.management.base import BaseCommand, CommandError

from kiks.installation import run_all


class Command(BaseCommand):
    help = (
        "Check a production installation: settings, `check --deploy`, database and migrations, "
        "cache, mail, media storage, static files and the background worker. One line per "
        "check, OK or PROBLEM with the fix; exits with status 1 on any problem."
    )
    requires_system_checks = []  # it runs them itself, and reports them instead of stopping
    requires_migrations_checks = False

    def handle(self, *args, **options):
        findings = run_all()
        for finding in findings:
            self.stdout.write(finding.line())
        problems = sum(not finding.ok for finding in findings)
        if problems:
            raise CommandError(
                f"{problems} problem{'s' if problems != 1 else ''} found.", returncode=1
            )
        self.stdout.write("The installation is ready.")
