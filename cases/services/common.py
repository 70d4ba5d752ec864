"""What the case verbs share: medication rows, the identifier guard, events and emails to
the presenter."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from echo_hub.deid import unvouched
from echo_hub.lib.text import text_limits
from echo_hub.lib.timefmt import date_time
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import queue_email
from sessions.models import Session, program_scope

from ..deid import explain, find_identifiers
from ..mme import daily_mme
from ..models import (
    Case,
    CaseEvent,
    CaseSlot,
    FollowUp,
    Medication,
)


@dataclass(frozen=True)
class MedicationRow:
    drug: str
    daily_dose: Decimal
    drug_other: str = ""
    schedule: str = ""


def guard_identifiers(texts: Mapping[str, str], vouched: Mapping[str, set[str]] | None = None) -> None:
    """Refuse text that looks like it identifies a patient, except what its author vouched
    for (snippet keys per field, see echo_hub.deid.snippet_key). Raises one error per field."""
    errors = {}
    for field, text in texts.items():
        findings = unvouched(find_identifiers(text or ""), (vouched or {}).get(field, set()))
        if findings:
            errors[field] = [ValidationError(explain(f), code=f"identifier_{f.kind}") for f in findings]
    if errors:
        raise ValidationError(errors)


def session_discussed_in(case: Case) -> Session:
    """The session a case was presented in, once that session has started: a case is never
    presented, nor its letter sent, before the hub could discuss it."""
    slot = CaseSlot.objects.select_related("session", "session__program").filter(case=case).first()
    if slot is None:
        raise ValidationError(_("This case has no place on a session's agenda: schedule it first."))
    session = slot.session
    if session.is_cancelled:
        raise ValidationError(
            _(
                "%(session)s was cancelled: the case was not presented there. Give it a slot in another "
                "session first."
            )
            % {"session": session.title},
            code="session_cancelled",
        )
    if session.starts_at > timezone.now():
        raise ValidationError(
            _("%(session)s starts on %(when)s: a case counts as presented once its session has started.")
            % {"session": session.title, "when": date_time(session.starts_at, session.program.zone)},
            code="session_not_started",
        )
    return session


def medication_limits(rows: Sequence[MedicationRow]) -> dict[str, int]:
    limits = text_limits(Medication)
    return {
        f"medications-{index}-{part}": limits[part]
        for index in range(len(rows))
        for part in ("drug_other", "schedule")
    }


def medication_texts(rows: Sequence[MedicationRow]) -> dict[str, str]:
    texts = {}
    for index, row in enumerate(rows):
        texts[f"medications-{index}-drug_other"] = row.drug_other
        texts[f"medications-{index}-schedule"] = row.schedule
    return texts


def replace_medications(case: Case, rows: Sequence[MedicationRow], follow_up: FollowUp | None = None) -> None:
    Medication.objects.filter(case=case, follow_up=follow_up).delete()
    Medication.objects.bulk_create(
        [
            Medication(
                case=case,
                follow_up=follow_up,
                drug=row.drug,
                drug_other=row.drug_other,
                daily_dose=row.daily_dose,
                schedule=row.schedule,
                mme=row_mme(row),
            )
            for row in rows
        ]
    )


def row_mme(row: MedicationRow) -> Decimal | None:
    value = daily_mme(row.drug, float(row.daily_dose))
    return None if value is None else Decimal(str(value))


def total_mme(medications: Sequence[Medication]) -> Decimal | None:
    values = [m.mme for m in medications if m.mme is not None]
    return sum(values, Decimal("0")) if values else None


def record_event(case: Case, kind: str, actor, note: str = "") -> None:
    CaseEvent.objects.create(case=case, kind=kind, actor=actor, note=note[:300])


def email_presenter(case: Case, kind: str, key: str, context: dict) -> None:
    queue_email(
        email=case.presenter.email,
        user=case.presenter,
        kind=kind,
        object_key=key,
        template=kind,
        context={"case": case, "case_url": absolute_url("cases:detail", pk=case.pk), **context},
        scope=program_scope(case.program_id),
    )
