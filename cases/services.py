"""The verbs of a case's life: draft, submit, screen, schedule, recommend, letter, follow up."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from echo_hub.audit.services import Action, record
from echo_hub.lib.pdf import render_pdf, sha256_hex
from echo_hub.lib.renders import Renders
from echo_hub.lib.text import check_lengths, invisible_characters_problem, text_limits
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import queue_email
from sessions.models import Session, program_scope

from .deid import explain, find_identifiers
from .library import reopen_library_screening
from .mme import daily_mme
from .models import (
    LONG_TEXT,
    Case,
    CaseEvent,
    CaseSlot,
    FollowUp,
    Medication,
    Recommendation,
    RecommendationHeading,
    RecommendationLetter,
)

OVERDUE_LETTER_DAYS = 7
RENDER_TASK = "cases.render_letter"
LETTER_RENDERS = Renders(
    model=RecommendationLetter,
    status_field="status",
    waiting=RecommendationLetter.Status.RENDERING,
    failed=RecommendationLetter.Status.FAILED,
    created_field="finalized_at",
    task_name=RENDER_TASK,
    id_name="letter_id",
)


@dataclass(frozen=True)
class MedicationRow:
    drug: str
    daily_dose: Decimal
    drug_other: str = ""
    schedule: str = ""


def guard_identifiers(texts: Mapping[str, str]) -> None:
    """Refuse text that looks like it identifies a patient. Raises one error per field."""
    errors = {}
    for field, text in texts.items():
        findings = find_identifiers(text or "")
        if findings:
            errors[field] = [ValidationError(explain(f), code=f"identifier_{f.kind}") for f in findings]
    if errors:
        raise ValidationError(errors)


def _medication_limits(rows: Sequence[MedicationRow]) -> dict[str, int]:
    limits = text_limits(Medication)
    return {
        f"medications-{index}-{part}": limits[part]
        for index in range(len(rows))
        for part in ("drug_other", "schedule")
    }


def _medication_texts(rows: Sequence[MedicationRow]) -> dict[str, str]:
    texts = {}
    for index, row in enumerate(rows):
        texts[f"medications-{index}-drug_other"] = row.drug_other
        texts[f"medications-{index}-schedule"] = row.schedule
    return texts


def _replace_medications(
    case: Case, rows: Sequence[MedicationRow], follow_up: FollowUp | None = None
) -> None:
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
                mme=_mme(row),
            )
            for row in rows
        ]
    )


def _mme(row: MedicationRow) -> Decimal | None:
    value = daily_mme(row.drug, float(row.daily_dose))
    return None if value is None else Decimal(str(value))


def total_mme(medications: Sequence[Medication]) -> Decimal | None:
    values = [m.mme for m in medications if m.mme is not None]
    return sum(values, Decimal("0")) if values else None


def _event(case: Case, kind: str, actor, note: str = "") -> None:
    CaseEvent.objects.create(case=case, kind=kind, actor=actor, note=note[:300])


def _email_presenter(case: Case, kind: str, key: str, context: dict) -> None:
    queue_email(
        email=case.presenter.email,
        user=case.presenter,
        kind=kind,
        object_key=key,
        template=kind,
        context={"case": case, "case_url": absolute_url("cases:detail", pk=case.pk), **context},
        scope=program_scope(case.program_id),
    )


@transaction.atomic
def save_case_draft(
    *, presenter, program, fields: Mapping, medications: Sequence[MedicationRow], case: Case | None = None
) -> Case:
    """Create or update a draft. Nothing is stored when any text looks identifying."""
    texts = {name: fields.get(name) or "" for name in Case.TEXT_FIELDS} | _medication_texts(medications)
    check_lengths(texts, text_limits(Case) | _medication_limits(medications))
    problem = invisible_characters_problem(texts["title"])
    if problem:
        raise ValidationError({"title": f"This text {problem}"})
    guard_identifiers(texts)
    if case is None:
        case = Case(presenter=presenter, program=program)
    elif not case.is_editable:
        raise ValidationError("This case can no longer be edited: it is with the hub.")
    session = fields.get("requested_session")
    if session is not None and (session.program_id != program.pk or session.is_past or session.is_cancelled):
        raise ValidationError({"requested_session": "Choose an upcoming session of this program."})
    for name in (*Case.CONTENT_FIELDS, "library_shared"):
        if name in fields:
            setattr(case, name, fields[name])
    created = case.pk is None
    case.save()
    _replace_medications(case, medications)
    record(Action.CASE_EDITED, actor=presenter, obj=case, extra={"created": created})
    return case


@transaction.atomic
def submit_case(*, case: Case, by) -> Case:
    """Send a draft (or a returned case) to the coordinators for screening."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.SUBMITTED:
        return case
    if not case.is_editable:
        raise ValidationError("Only a draft or a returned case can be submitted.")
    missing = {
        name: "Required before you submit." for name in Case.REQUIRED_TO_SUBMIT if not getattr(case, name)
    }
    if not case.attested_deidentified:
        missing["attested_deidentified"] = "Confirm that the case holds no patient identifiers."
    if missing:
        raise ValidationError(missing)
    guard_identifiers({name: getattr(case, name) for name in Case.TEXT_FIELDS})
    case.status = Case.Status.SUBMITTED
    case.submitted_at = timezone.now()
    case.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(case, CaseEvent.Kind.SUBMITTED, by)
    record(Action.CASE_SUBMITTED, actor=by, obj=case)
    _email_presenter(case, "case_submitted", f"case:{case.pk}:{case.submitted_at:%Y%m%d%H%M%S}", {})
    return case


@transaction.atomic
def return_case(*, case: Case, by, comment: str) -> Case:
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Tell the presenter what to change."})
    check_lengths({"comment": comment}, {"comment": text_limits(Case)["return_comment"]})
    guard_identifiers({"comment": comment})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.SUBMITTED:
        raise ValidationError("Only a submitted case can be returned.")
    case.status = Case.Status.RETURNED
    case.return_comment = comment
    case.save(update_fields=["status", "return_comment", "updated_at"])
    _event(case, CaseEvent.Kind.RETURNED, by, comment)
    record(Action.CASE_RETURNED, actor=by, obj=case)
    _email_presenter(case, "case_returned", f"case:{case.pk}:returned:{case.events.count()}", {})
    return case


@transaction.atomic
def assign_case_to_session(*, case: Case, session: Session, by) -> CaseSlot:
    """Screen a submitted case and give it the next free slot of an upcoming session.

    The session row is locked so two coordinators taking the last slot queue up; the
    unique (session, position) constraint refuses the second even without the lock."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.SUBMITTED:
        raise ValidationError("Only a submitted case can be scheduled.")
    if session.program_id != case.program_id:
        raise ValidationError("That session belongs to another program.")
    if session.is_cancelled or session.is_past:
        raise ValidationError("Choose an upcoming session that is not cancelled.")
    taken = CaseSlot.objects.filter(session=session).count()
    if taken >= session.case_slots:
        raise ValidationError(
            f"{session.title} has no free case slot ({session.case_slots} of {session.case_slots} taken)."
        )
    try:
        with transaction.atomic():
            slot = CaseSlot.objects.create(session=session, case=case, position=taken + 1, assigned_by=by)
    except IntegrityError:
        raise ValidationError(f"{session.title} has no free case slot.") from None
    case.status = Case.Status.SCHEDULED
    case.save(update_fields=["status", "updated_at"])
    _event(case, CaseEvent.Kind.SCREENED, by)
    _event(case, CaseEvent.Kind.SCHEDULED, by, session.title)
    record(Action.CASE_SCHEDULED, actor=by, obj=case, extra={"session_id": session.pk, "slot": slot.position})
    _email_presenter(
        case,
        "case_scheduled",
        f"case:{case.pk}:slot:{slot.pk}",
        {
            "session": session,
            "session_url": absolute_url("sessions:session_detail", slug=session.program.slug, pk=session.pk),
        },
    )
    return slot


@transaction.atomic
def mark_case_presented(*, case: Case, by) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.PRESENTED:
        return case
    if case.status != Case.Status.SCHEDULED:
        raise ValidationError("Only a scheduled case can be marked as presented.")
    case.status = Case.Status.PRESENTED
    case.save(update_fields=["status", "updated_at"])
    _event(case, CaseEvent.Kind.PRESENTED, by)
    return case


@transaction.atomic
def save_recommendations(*, case: Case, author, texts: Mapping[str, str]) -> list[Recommendation]:
    """Store one expert's recommendations, heading by heading; an empty text removes one.
    Any change sends a case screened for the library back to screening."""
    # The lock orders this against a coordinator's library screening of the same case.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in (Case.Status.SCHEDULED, Case.Status.PRESENTED):
        raise ValidationError(
            "Recommendations can be written once the case is scheduled, until the letter is sent."
        )
    unknown = set(texts) - set(RecommendationHeading.values)
    if unknown:
        raise ValidationError(f"Unknown headings: {', '.join(sorted(unknown))}.")
    limit = text_limits(Recommendation)["text"]
    check_lengths({heading: text.strip() for heading, text in texts.items()}, dict.fromkeys(texts, limit))
    guard_identifiers(dict(texts))
    existing = {r.heading: r for r in Recommendation.objects.filter(case=case, author=author)}
    saved, changed = [], False
    for heading, text in texts.items():
        text = text.strip()
        current = existing.get(heading)
        if not text:
            if current is not None:
                current.delete()
                changed = True
            continue
        if current is None or current.text != text:
            current, _ = Recommendation.objects.update_or_create(
                case=case, author=author, heading=heading, defaults={"text": text}
            )
            changed = True
        saved.append(current)
    if changed:
        reopen_library_screening(case)
    record(Action.RECOMMENDATIONS_SAVED, actor=author, obj=case, extra={"headings": len(saved)})
    return saved


@transaction.atomic
def finalize_recommendations(*, case: Case, by) -> RecommendationLetter:
    """Close the recommendations and have the letter rendered once, after commit."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    existing = RecommendationLetter.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.status not in (Case.Status.SCHEDULED, Case.Status.PRESENTED):
        raise ValidationError("Only a scheduled or presented case can be finalized.")
    if not case.recommendations.exists():
        raise ValidationError("There are no recommendations to send yet.")
    if case.status == Case.Status.SCHEDULED:
        _event(case, CaseEvent.Kind.PRESENTED, by)
    letter = RecommendationLetter.objects.create(case=case, finalized_by=by)
    record(Action.RECOMMENDATIONS_FINALIZED, actor=by, obj=case, extra={"letter_id": letter.pk})
    case.status = Case.Status.PRESENTED
    case.save(update_fields=["status", "updated_at"])
    LETTER_RENDERS.enqueue(letter.pk)
    return letter


def retry_letter_render(*, letter: RecommendationLetter) -> None:
    """A coordinator asks for another try at a letter whose tries ran out."""
    if not LETTER_RENDERS.restart(letter.pk, failed_only=True):
        raise ValidationError("This letter is not waiting for a retry: it is ready or being prepared.")


def letter_context(case: Case) -> dict:
    recommendations = list(case.recommendations.select_related("author").order_by("pk"))
    by_heading = []
    for value, label in RecommendationHeading.choices:
        items = [r for r in recommendations if r.heading == value]
        if items:
            by_heading.append((label, items))
    medications = list(case.medications.filter(follow_up=None))
    slot = CaseSlot.objects.select_related("session", "session__program").filter(case=case).first()
    return {
        "case": case,
        "program": case.program,
        "session": slot.session if slot else None,
        "by_heading": by_heading,
        "experts": sorted({r.author.name_with_credentials for r in recommendations}),
        "medications": medications,
        "total_mme": total_mme(medications),
    }


def render_letter(*, letter_id: int) -> bool:
    """Render the letter PDF once; a second run finds it ready and does nothing."""
    claimed = RecommendationLetter.objects.filter(
        pk=letter_id, status__in=[RecommendationLetter.Status.RENDERING, RecommendationLetter.Status.FAILED]
    ).exists()
    if not claimed:
        return False
    letter = RecommendationLetter.objects.select_related("case", "case__program", "case__presenter").get(
        pk=letter_id
    )
    pdf = render_pdf("pdf/recommendation_letter.html", letter_context(letter.case) | {"letter": letter})
    with transaction.atomic():
        letter = RecommendationLetter.objects.select_for_update().get(pk=letter_id)
        if letter.status == RecommendationLetter.Status.READY:
            return False
        letter.file.save(f"case-{letter.case_id}-recommendations.pdf", ContentFile(pdf), save=False)
        letter.sha256 = sha256_hex(pdf)
        letter.status = RecommendationLetter.Status.READY
        letter.rendered_at = timezone.now()
        letter.last_error = ""
        letter.save()
        case = letter.case
        case.status = Case.Status.LETTER_SENT
        case.save(update_fields=["status", "updated_at"])
        _event(case, CaseEvent.Kind.LETTER_SENT, letter.finalized_by)
        _email_presenter(case, "letter_ready", f"letter:{letter.pk}", {"letter": letter})
    return True


def _follow_up_texts(fields: Mapping) -> dict[str, str]:
    names = ("what_changed", "pain_change", "function_change", "recommendations_acted_on")
    return {name: fields.get(name, "") for name in names}


@transaction.atomic
def add_follow_up(
    *, case: Case, author, fields: Mapping, medications: Sequence[MedicationRow], present_again: bool = False
) -> FollowUp:
    """Record what happened after the recommendations; optionally ask to present again,
    which puts a linked copy of the case in the coordinators' queue."""
    if case.presenter_id != author.pk:
        raise ValidationError("Only the presenter reports follow-ups.")
    if case.status not in (Case.Status.PRESENTED, Case.Status.LETTER_SENT, Case.Status.SCHEDULED):
        raise ValidationError("Follow-ups can be reported once the case has been presented.")
    texts = _follow_up_texts(fields)
    check_lengths(
        texts | _medication_texts(medications), text_limits(FollowUp) | _medication_limits(medications)
    )
    if present_again:
        _check_re_presentation_fits(case, texts["what_changed"])
    guard_identifiers(texts | _medication_texts(medications))
    follow_up = FollowUp.objects.create(case=case, author=author, **_follow_up_texts(fields))
    _replace_medications(case, medications, follow_up=follow_up)
    _event(case, CaseEvent.Kind.FOLLOW_UP, author)
    record(Action.CASE_EDITED, actor=author, obj=case, extra={"follow_up_id": follow_up.pk})
    if present_again:
        _create_re_presentation(case, follow_up, medications)
    return follow_up


ORIGINAL_CONCERN = "\n\nOriginal concern: "


def _check_re_presentation_fits(case: Case, what_changed: str) -> None:
    """The case presented again opens with what changed, then the original concern: together
    they must fit the concern's limit."""
    room = max(LONG_TEXT - len(ORIGINAL_CONCERN) - len(case.main_concern), 0)
    if len(what_changed) > room:
        raise ValidationError(
            {
                "what_changed": "To present the case again, what changed goes before the original concern "
                f"in the new case, and the two may hold {LONG_TEXT} characters together: keep this to "
                f"{room} characters or fewer (it has {len(what_changed)})."
            }
        )


def _create_re_presentation(case: Case, follow_up: FollowUp, medications: Sequence[MedicationRow]) -> Case:
    again = Case(program=case.program, presenter=case.presenter, follow_up_of=case)
    for name in Case.CONTENT_FIELDS:
        setattr(again, name, getattr(case, name))
    again.title = f"Follow-up: {case.title}"[:120]
    again.requested_session = None
    again.main_concern = f"{follow_up.what_changed}{ORIGINAL_CONCERN}{case.main_concern}"
    again.status = Case.Status.SUBMITTED
    again.submitted_at = timezone.now()
    again.save()
    _replace_medications(again, medications)
    _event(again, CaseEvent.Kind.SUBMITTED, case.presenter, "Follow-up presentation")
    record(Action.CASE_SUBMITTED, actor=case.presenter, obj=again, extra={"follow_up_of": case.pk})
    _event(case, CaseEvent.Kind.RE_PRESENTATION, case.presenter)
    return again
