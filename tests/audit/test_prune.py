from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from echo_hub.audit.models import AuditEvent
from echo_hub.audit.services import Action, record

pytestmark = pytest.mark.django_db


def _aged(days: int) -> AuditEvent:
    event = record(Action.LOGIN_FAILED, actor_email=f"{days}@example.org")
    AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=days))
    return event


@pytest.mark.parametrize("years", [0, 1, 4, -5])
def test_prune_refuses_less_than_five_years(years):
    _aged(6 * 366)

    with pytest.raises(CommandError, match="kept at least 5 years"):
        call_command("prune_audit", "--older-than-years", str(years))

    assert AuditEvent.objects.count() == 1


def test_prune_deletes_only_events_older_than_the_cutoff(capsys):
    old, younger, recent = _aged(5 * 366 + 2), _aged(5 * 365 - 2), _aged(1)

    call_command("prune_audit", "--older-than-years", "5")

    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {younger.pk, recent.pk}
    assert capsys.readouterr().out.startswith("Deleted 1 audit events older than ")
    assert old.pk not in AuditEvent.objects.values_list("pk", flat=True)


def test_prune_dry_run_counts_and_keeps_everything(capsys):
    _aged(8 * 366)

    call_command("prune_audit", "--older-than-years", "7", "--dry-run")

    assert AuditEvent.objects.count() == 1
    assert capsys.readouterr().out.startswith("1 audit events are older than ")
