"""A case from draft to presentation: save, submit, return, schedule, present."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, record
from echo_hub.deid import Vouch
from echo_hub.lib.text import check_lengths, invisible_characters, invisible_characters_error, text_limits
from echo_hub.lib.urls import absolute_url
from sessions.models import Session
from sessions.selectors import join_url_for

from ..caseforms.definition import (
    ATTACHMENT,
    MEDICATIONS,
    answer_text_keys,
    field_map,
    fields,
    text_keys,
    text_limit,
)
from ..caseforms.display import answers_text
from ..models import (
    Case,
    CaseEvent,
    CaseSlot,
)
from .caseforms import case_definition, current_form_version, replace_attachments
from .common import (
    MedicationRow,
    email_presenter,
    guard_identifiers,
    medication_limits,
    medication_texts,
    record_event,
    replace_medications,
    session_discussed_in,
)
from .overrides import WAITING, has_waiting_overrides, return_overrides, sync_overrides, vouched_keys


@transaction.atomic
def save_case_draft(
    *,
    presenter,
    program,
    fields: Mapping,
    medications: Sequence[MedicationRow],
    case: Case | None = None,
    vouches: Mapping[str, Vouch] | None = None,
    answers: Mapping | None = None,
    uploads: Mapping | None = None,
) -> Case:
    """Create or update a draft. Nothing is stored when any text looks identifying, except
    text the presenter vouched for (`vouches`, per field), which then waits for a coordinator.
    `fields` holds the case's columns, `answers` the answers its form keeps in Case.answers
    (by field key). A new case is written with the program's current form version; a case
    keeps its version when the program's form changes later."""
    vouches = vouches or {}
    version = case.form_version if case is not None else current_form_version(program)
    definition = case_definition(case) if case is not None else version.full_definition
    answers = _known_answers(definition, answers or {})
    answer_texts = {key: answers.get(key) or "" for key in text_keys(definition) if key in answers}
    texts = {name: fields.get(name) or "" for name in Case.TEXT_FIELDS} | medication_texts(medications)
    texts |= answer_texts
    limits = {key: text_limit(field_map(definition)[key]) for key in answer_texts}
    check_lengths(texts, text_limits(Case) | medication_limits(medications) | limits)
    hidden = invisible_characters(texts["title"])
    if hidden:
        raise ValidationError({"title": invisible_characters_error(hidden)})
    vouched = vouched_keys(case)
    for field, vouch in vouches.items():
        vouched.setdefault(field, set()).update(vouch.keys)
    guard_identifiers(texts, vouched)
    if case is None:
        case = Case(presenter=presenter, program=program, form_version=version)
    elif not case.is_editable:
        raise ValidationError(_("This case can no longer be edited: it is with the hub."))
    session = fields.get("requested_session")
    if session is not None and (session.program_id != program.pk or session.is_past or session.is_cancelled):
        raise ValidationError({"requested_session": _("Choose an upcoming session of this program.")})
    for name in (*Case.CONTENT_FIELDS, "library_shared"):
        if name in fields:
            setattr(case, name, fields[name])
    case.answers = answers
    case.answers_text = answers_text(definition, answers)
    created = case.pk is None
    case.save()
    replace_medications(case, medications)
    replace_attachments(case, definition, uploads or {}, presenter)
    vouched_now = sync_overrides(case, vouches, texts, presenter)
    extra = {"created": created} | ({"vouched": vouched_now} if vouched_now else {})
    record(Action.CASE_EDITED, actor=presenter, obj=case, extra=extra)
    return case


def _known_answers(definition: dict, answers: Mapping) -> dict:
    by_key = field_map(definition)
    unknown = set(answers) - {key for key, field in by_key.items() if not field.get("column")}
    if unknown:
        raise ValidationError(
            _("Not a field of this case's form: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    return dict(answers)


def _missing_answers(case: Case) -> dict[str, str]:
    """The required fields of the case's form left unanswered."""
    missing = {}
    attached = set(case.attachments.values_list("field", flat=True))
    for field in fields(case_definition(case)):
        if not field.get("required") or field["type"] == MEDICATIONS:
            continue
        if field["type"] == ATTACHMENT:
            value = field["key"] if field["key"] in attached else None
        else:
            value = getattr(case, field["column"]) if field.get("column") else case.answers.get(field["key"])
        if value is None or value == "" or value == []:
            missing[field["key"]] = _("Required before you submit.")
    return missing


@transaction.atomic
def submit_case(*, case: Case, by) -> Case:
    """Send a draft (or a returned case) to the coordinators for screening."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.SUBMITTED:
        return case
    if not case.is_editable:
        raise ValidationError(_("Only a draft or a returned case can be submitted."))
    missing = {
        name: _("Required before you submit.") for name in Case.REQUIRED_TO_SUBMIT if not getattr(case, name)
    } | _missing_answers(case)
    if not case.attested_deidentified:
        missing["attested_deidentified"] = _("Confirm that the case holds no patient identifiers.")
    if missing:
        raise ValidationError(missing)
    texts = {name: getattr(case, name) for name in Case.TEXT_FIELDS}
    texts |= {key: case.answers.get(key) or "" for key in answer_text_keys(case_definition(case))}
    guard_identifiers(texts, vouched_keys(case))
    case.status = Case.Status.SUBMITTED
    case.submitted_at = timezone.now()
    case.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(case, CaseEvent.Kind.SUBMITTED, by)
    record(Action.CASE_SUBMITTED, actor=by, obj=case)
    email_presenter(case, "case_submitted", f"case:{case.pk}:{case.submitted_at:%Y%m%d%H%M%S}", {})
    return case


@transaction.atomic
def return_case(*, case: Case, by, comment: str) -> Case:
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Tell the presenter what to change.")})
    check_lengths({"comment": comment}, {"comment": text_limits(Case)["return_comment"]})
    guard_identifiers({"comment": comment})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted case can be returned."))
    case.status = Case.Status.RETURNED
    case.return_comment = comment
    case.save(update_fields=["status", "return_comment", "updated_at"])
    return_overrides(case, by)
    record_event(case, CaseEvent.Kind.RETURNED, by, comment)
    record(Action.CASE_RETURNED, actor=by, obj=case)
    email_presenter(case, "case_returned", f"case:{case.pk}:returned:{case.events.count()}", {})
    return case


@transaction.atomic
def assign_case_to_session(*, case: Case, session: Session, by) -> CaseSlot:
    """Screen a submitted case and give it the next free slot of an upcoming session.

    The session row is locked so two coordinators taking the last slot queue up; the
    unique (session, position) constraint refuses the second even without the lock."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted case can be scheduled."))
    if has_waiting_overrides(case):
        raise ValidationError(WAITING)
    if session.program_id != case.program_id:
        raise ValidationError(_("That session belongs to another program."))
    if session.is_cancelled or session.is_past:
        raise ValidationError(_("Choose an upcoming session that is not cancelled."))
    taken = CaseSlot.objects.filter(session=session).count()
    if taken >= session.case_slots:
        raise ValidationError(
            _("%(session)s has no free case slot (%(slots)s of %(slots)s taken).")
            % {"session": session.title, "slots": session.case_slots}
        )
    try:
        with transaction.atomic():
            slot = CaseSlot.objects.create(session=session, case=case, position=taken + 1, assigned_by=by)
    except IntegrityError:
        raise ValidationError(_("%(session)s has no free case slot.") % {"session": session.title}) from None
    case.status = Case.Status.SCHEDULED
    case.save(update_fields=["status", "updated_at"])
    record_event(case, CaseEvent.Kind.SCREENED, by)
    record_event(case, CaseEvent.Kind.SCHEDULED, by, session.title)
    record(Action.CASE_SCHEDULED, actor=by, obj=case, extra={"session_id": session.pk, "slot": slot.position})
    email_presenter(
        case,
        "case_scheduled",
        f"case:{case.pk}:slot:{slot.pk}",
        {
            "session": session,
            "join_url": join_url_for(session, case.presenter),
            "session_url": absolute_url("sessions:session_detail", slug=session.program.slug, pk=session.pk),
        },
    )
    return slot


@transaction.atomic
def withdraw_case(*, case: Case, by) -> Case:
    """The presenter takes their case back before it is presented: it leaves the coordinators'
    queue, and a scheduled case gives up its slot (the cases after it move up one place, so
    the agenda stays numbered 1, 2, 3 and the slot can be given again)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.presenter_id != by.pk:
        raise ValidationError(_("Only the presenter can withdraw a case."))
    if case.status == Case.Status.WITHDRAWN:
        return case
    if case.status == Case.Status.DRAFT:
        raise ValidationError(_("This draft has not been submitted: there is nothing to withdraw."))
    if not case.may_be_withdrawn:
        raise ValidationError(_("This case has been presented: it can no longer be withdrawn."))
    slot = CaseSlot.objects.select_related("session").filter(case=case).first()
    if slot is not None:
        session = Session.objects.select_for_update().get(pk=slot.session_id)
        if session.starts_at <= timezone.now() and not session.is_cancelled:
            raise ValidationError(
                _("%(session)s has started: the case counts as presented and can no longer be withdrawn.")
                % {"session": session.title}
            )
        slot.delete()
        for later in CaseSlot.objects.filter(session=session, position__gt=slot.position).order_by(
            "position"
        ):
            later.position -= 1
            later.save(update_fields=["position"])
    case.status = Case.Status.WITHDRAWN
    case.save(update_fields=["status", "updated_at"])
    record_event(case, CaseEvent.Kind.WITHDRAWN, by, slot.session.title if slot else "")
    record(Action.CASE_WITHDRAWN, actor=by, obj=case, extra={"session_id": slot.session_id if slot else None})
    return case


@transaction.atomic
def mark_case_presented(*, case: Case, by) -> Case:
    """A scheduled case was presented: only once its session has started."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.PRESENTED:
        return case
    if case.status != Case.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled case can be marked as presented."))
    session = session_discussed_in(case)
    case.status = Case.Status.PRESENTED
    case.save(update_fields=["status", "updated_at"])
    record_event(case, CaseEvent.Kind.PRESENTED, by)
    record(Action.CASE_PRESENTED, actor=by, obj=case, extra={"session_id": session.pk})
    return case
