"""After a restore: is every stored PDF there, and is it the one we rendered?"""

import hashlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

# (model, field holding the "ready" state, its ready value). Each has `file` and `sha256`.
CHECKED = [
    ("cpd.Certificate", "render_status", "ready"),
    ("cases.RecommendationLetter", "status", "ready"),
]
CHUNK = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Check that every rendered certificate and recommendation letter has its PDF in "
        "storage with the recorded SHA-256. Prints one line per problem and a summary; "
        "exits with status 1 when any file is missing or does not match its SHA-256."
    )

    def handle(self, *args, **options) -> None:
        checked = missing = mismatched = 0
        for label, status_field, ready in CHECKED:
            model = apps.get_model(label)
            rows = model.objects.filter(**{status_field: ready}).only("pk", "file", "sha256").order_by("pk")
            for row in rows.iterator(chunk_size=500):
                checked += 1
                problem = _problem(row)
                if problem is None:
                    continue
                if problem == "missing":
                    missing += 1
                else:
                    mismatched += 1
                self.stdout.write(f"{problem}: {label} {row.pk} {row.file.name or '(no file)'}")
        ok = checked - missing - mismatched
        summary = f"Checked {checked} files: {ok} ok, {missing} missing, {mismatched} mismatched."
        if missing or mismatched:
            raise CommandError(summary)
        self.stdout.write(summary)


def _problem(row) -> str | None:
    if not row.file.name or not row.file.storage.exists(row.file.name):
        return "missing"
    digest = hashlib.sha256()
    with row.file.storage.open(row.file.name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return None if digest.hexdigest() == row.sha256 else "mismatch"
