from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from echo_hub.audit.models import RETENTION_YEARS, AuditEvent


class Command(BaseCommand):
    help = (
        f"Delete audit events older than N years. Refuses N < {RETENTION_YEARS}: accreditation "
        "bodies ask for attendance and certificate records that long."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than-years", type=int, required=True, metavar="N")
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args, older_than_years: int, dry_run: bool, **options) -> None:
        if older_than_years < RETENTION_YEARS:
            raise CommandError(
                f"Audit events are kept at least {RETENTION_YEARS} years: "
                f"--older-than-years must be {RETENTION_YEARS} or more (got {older_than_years})."
            )
        # 365.25 days a year, so leap days never shorten the promise.
        cutoff = timezone.now() - timedelta(days=round(365.25 * older_than_years))
        old = AuditEvent.objects.filter(at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{old.count()} audit events are older than {cutoff:%Y-%m-%d}; none deleted.")
            return
        # The one deliberate delete of the trail: a queryset delete, not the model's refusal.
        deleted, _ = old.delete()
        self.stdout.write(f"Deleted {deleted} audit events older than {cutoff:%Y-%m-%d}.")
