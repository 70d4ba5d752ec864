"""Evaluations, credits and certificates."""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from echo_hub.accounts.models import Profession
from echo_hub.audit.services import Action, record, record_many
from echo_hub.deid import explain, find_identifiers
from echo_hub.lib.pdf import render_pdf, sha256_hex
from echo_hub.lib.qr import qr_svg_data_uri
from echo_hub.lib.renders import Renders
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import Message, queue_email, queue_many
from sessions.models import Attendance, Cycle, Enrollment, Role, Session, program_scope

from .credits import CreditResult, session_credits
from .models import Certificate, Evaluation, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

PHYSICIANS = {Profession.FAMILY_PHYSICIAN, Profession.SPECIALIST_PHYSICIAN}
RENDER_TASK = "cpd.render_certificate"
CERTIFICATE_RENDERS = Renders(
    model=Certificate,
    status_field="render_status",
    waiting=Certificate.RenderStatus.PENDING,
    failed=Certificate.RenderStatus.FAILED,
    created_field="issued_at",
    task_name=RENDER_TASK,
    id_name="certificate_id",
)


def credit_for(*, session: Session, attended_minutes: int, evaluation_done: bool) -> CreditResult:
    program = session.program
    return session_credits(
        attended_minutes=attended_minutes,
        session_minutes=session.duration_minutes,
        threshold_percent=program.attendance_threshold_percent,
        credits_per_hour=program.credits_per_hour,
        evaluation_required=program.evaluation_required,
        evaluation_done=evaluation_done,
    )


def user_session_credit(*, user, session: Session) -> CreditResult:
    minutes = (
        Attendance.objects.filter(session=session, user=user).values_list("minutes", flat=True).first() or 0
    )
    done = Evaluation.objects.filter(session=session, user=user).exists()
    return credit_for(session=session, attended_minutes=minutes, evaluation_done=done)


def _is_member(user, session: Session) -> bool:
    return Enrollment.objects.filter(
        user=user, program_id=session.program_id, status=Enrollment.Status.APPROVED
    ).exists()


@transaction.atomic
def submit_evaluation(*, session: Session, user, fields: Mapping) -> Evaluation:
    """Record a participant's evaluation once; free text that looks identifying is refused."""
    if not _is_member(user, session):
        raise ValidationError("Only members of the program evaluate its sessions.")
    if session.is_cancelled or session.starts_at > timezone.now():
        raise ValidationError("You can evaluate a session once it has started.")
    errors = {}
    for name in Evaluation.TEXT_FIELDS:
        findings = find_identifiers(fields.get(name, "") or "")
        if findings:
            errors[name] = [explain(f) for f in findings]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                session=session,
                user=user,
                relevance=fields["relevance"],
                quality=fields["quality"],
                objectives_met=fields["objectives_met"],
                commitment_to_change=fields.get("commitment_to_change", ""),
                comments=fields.get("comments", ""),
            )
    except IntegrityError:
        raise ValidationError("You have already evaluated this session. Thank you!") from None


def _issue(
    *,
    user,
    kind: str,
    credits: Decimal,
    session: Session | None = None,
    cycle: Cycle | None = None,
    by=None,
    bulk: bool = False,
):
    target = {"session": session} if session else {"cycle": cycle}
    try:
        with transaction.atomic():
            certificate, created = Certificate.objects.get_or_create(
                user=user, **target, defaults={"kind": kind, "credits": credits}
            )
    except IntegrityError:
        # A concurrent issue won the unique constraint: use the row it made.
        certificate, created = Certificate.objects.get(user=user, **target), False
    if created:
        # One event per certificate, bulk or not: each is an accreditation record an
        # auditor asks about by itself ("who issued this one, when?").
        record(
            Action.CERTIFICATE_ISSUED,
            actor=by,
            obj=certificate,
            program=(session or cycle).program_id,
            extra={"holder_id": user.pk, "kind": kind, "credits": credits, "bulk": bulk},
        )
        CERTIFICATE_RENDERS.enqueue(certificate.pk)
    return certificate, created


@transaction.atomic
def issue_session_certificate(*, user, session: Session, by=None, bulk: bool = False) -> Certificate:
    """Issue the certificate for one session as soon as the credits are earned. Idempotent."""
    existing = Certificate.objects.filter(user=user, session=session).first()
    if existing is not None:
        return existing
    if session.is_cancelled:
        raise ValidationError("This session was cancelled: it earns no credits.")
    _require_name(user)
    result = user_session_credit(user=user, session=session)
    if not result.eligible:
        raise ValidationError("No credits yet for this session: " + "; ".join(result.missing) + ".")
    certificate, _ = _issue(
        user=user, kind=Certificate.Kind.SESSION, credits=result.credits, session=session, by=by, bulk=bulk
    )
    return certificate


def cycle_credit_rows(*, user, cycle: Cycle) -> list[tuple[Session, CreditResult]]:
    sessions = list(
        Session.objects.filter(cycle=cycle, status=Session.Status.SCHEDULED, ends_at__lt=timezone.now())
        .select_related("program")
        .order_by("starts_at")
    )
    minutes = dict(
        Attendance.objects.filter(session__in=sessions, user=user).values_list("session_id", "minutes")
    )
    evaluated = set(
        Evaluation.objects.filter(session__in=sessions, user=user).values_list("session_id", flat=True)
    )
    return [
        (s, credit_for(session=s, attended_minutes=minutes.get(s.pk, 0), evaluation_done=s.pk in evaluated))
        for s in sessions
    ]


@transaction.atomic
def issue_cycle_certificate(*, user, cycle: Cycle, by=None, bulk: bool = False) -> Certificate:
    existing = Certificate.objects.filter(user=user, cycle=cycle).first()
    if existing is not None:
        return existing
    _require_name(user)
    total = sum((r.credits for _, r in cycle_credit_rows(user=user, cycle=cycle) if r.eligible), Decimal("0"))
    if total <= 0:
        raise ValidationError("No credits earned in this cycle yet.")
    certificate, _ = _issue(
        user=user, kind=Certificate.Kind.CYCLE, credits=total, cycle=cycle, by=by, bulk=bulk
    )
    return certificate


def _require_name(user) -> None:
    # A certificate names its holder; never fall back to the email on a public document.
    if not user.full_name.strip():
        raise ValidationError("Add your full name to your profile first: it is printed on the certificate.")


def _eligible_credits(*, session: Session) -> list[tuple]:
    """(user, credits) of everyone whose attendance and evaluation earn credits for the session."""
    attendances = Attendance.objects.filter(session=session, minutes__gt=0).select_related("user")
    evaluated = set(Evaluation.objects.filter(session=session).values_list("user_id", flat=True))
    results = (
        (
            a.user,
            credit_for(session=session, attended_minutes=a.minutes, evaluation_done=a.user_id in evaluated),
        )
        for a in attendances
    )
    return [(user, result.credits) for user, result in results if result.eligible]


def bulk_issue_for_session(*, session: Session, by=None) -> dict:
    """Issue every certificate the session's attendance and evaluations have earned, in one
    insert (and one insert of their audit events): one by one, a thousand attendees cost eight
    queries each (20 s) while the workers wait for the renders."""
    if session.is_cancelled:
        return {"issued": 0, "existing": 0}
    # As issue_session_certificate: no certificate without the holder's name on it.
    eligible = [
        (user, credits) for user, credits in _eligible_credits(session=session) if user.full_name.strip()
    ]
    have = set(Certificate.objects.filter(session=session).values_list("user_id", flat=True))
    new = [
        Certificate(user=user, session=session, kind=Certificate.Kind.SESSION, credits=credits)
        for user, credits in eligible
        if user.pk not in have
    ]
    try:
        with transaction.atomic():
            created = Certificate.objects.bulk_create(new, batch_size=500)
            record_many(
                Action.CERTIFICATE_ISSUED,
                created,
                actor=by,
                program=session.program_id,
                extra_of=lambda c: {
                    "holder_id": c.user_id,
                    "kind": c.kind,
                    "credits": c.credits,
                    "bulk": True,
                },
            )
            CERTIFICATE_RENDERS.enqueue(*(c.pk for c in created))
    except IntegrityError:
        # Someone's own "get my certificate" won a row meanwhile: issue one by one instead.
        return _bulk_issue_one_by_one(session=session, users=[user for user, _ in eligible], by=by)
    return {"issued": len(created), "existing": len(eligible) - len(created)}


def _bulk_issue_one_by_one(*, session: Session, users: list, by) -> dict:
    issued = existing = 0
    for user in users:
        with transaction.atomic():
            had = Certificate.objects.filter(user=user, session=session).exists()
            try:
                issue_session_certificate(user=user, session=session, by=by, bulk=True)
            except ValidationError:
                continue
        existing += had
        issued += not had
    return {"issued": issued, "existing": existing}


def bulk_issue_for_cycle(*, cycle: Cycle, by=None) -> dict:
    issued = existing = 0
    users = {
        a.user for a in Attendance.objects.filter(session__cycle=cycle, minutes__gt=0).select_related("user")
    }
    for user in users:
        with transaction.atomic():
            had = Certificate.objects.filter(user=user, cycle=cycle).exists()
            try:
                issue_cycle_certificate(user=user, cycle=cycle, by=by, bulk=True)
            except ValidationError:
                continue
        existing += had
        issued += not had
    return {"issued": issued, "existing": existing}


def _program_id(certificate: Certificate) -> int:
    return certificate.session.program_id if certificate.session_id else certificate.cycle.program_id


@transaction.atomic
def reissue_certificate(*, certificate: Certificate, by) -> Certificate:
    """Render again after a correction (a name, credentials, credits); marked DUPLICATE."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        raise ValidationError("A revoked certificate cannot be reissued.")
    if certificate.kind == Certificate.Kind.SESSION:
        result = user_session_credit(user=certificate.user, session=certificate.session)
        credits = result.credits if result.eligible else certificate.credits
    else:
        rows = cycle_credit_rows(user=certificate.user, cycle=certificate.cycle)
        credits = sum((r.credits for _, r in rows if r.eligible), Decimal("0")) or certificate.credits
    certificate.credits = credits
    certificate.issue_number += 1
    certificate.save(update_fields=["credits", "issue_number"])
    CERTIFICATE_RENDERS.restart(certificate.pk)
    certificate.render_status = Certificate.RenderStatus.PENDING
    record(
        Action.CERTIFICATE_REISSUED,
        actor=by,
        obj=certificate,
        program=_program_id(certificate),
        extra={"issue_number": certificate.issue_number, "credits": credits},
    )
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by, reason: str) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why the certificate is revoked; the verification page shows it is revoked."}
        )
    program_id = _program_id(certificate)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        return certificate
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_reason, certificate.revoked_at, certificate.revoked_by = reason, timezone.now(), by
    certificate.save(update_fields=["status", "revoked_reason", "revoked_at", "revoked_by"])
    # Render again so a downloaded copy says REVOKED too.
    CERTIFICATE_RENDERS.restart(certificate.pk)
    certificate.render_status = Certificate.RenderStatus.PENDING
    # Not the reason: it is free text, and stays on the certificate.
    record(Action.CERTIFICATE_REVOKED, actor=by, obj=certificate, program=program_id)
    return certificate


def retry_certificate_render(*, certificate: Certificate) -> None:
    """A coordinator asks for another try at a certificate whose tries ran out."""
    if not CERTIFICATE_RENDERS.restart(certificate.pk, failed_only=True):
        raise ValidationError("This certificate is not waiting for a retry: it is ready or being prepared.")


def _statements(program, user) -> list[str]:
    if user.profession in PHYSICIANS or not program.other_professions_statement:
        return [s for s in [program.accreditation_statement] if s]
    return [program.other_professions_statement]


def _date_long(value, zone) -> str:
    local = value.astimezone(zone)
    return f"{local:%A %-d %B %Y}"


def certificate_context(certificate: Certificate) -> dict:
    user = certificate.user
    program = certificate.program
    zone = program.zone
    verify_url = absolute_url("cpd:verify", code=certificate.code)
    if certificate.kind == Certificate.Kind.SESSION:
        session = certificate.session
        title = f"{session.title}: {session.didactic_topic}" if session.didactic_topic else session.title
        dates, rows = _date_long(session.starts_at, zone), []
        body_ids = [session.accreditation_id] if session.accreditation_id else []
    else:
        cycle = certificate.cycle
        credit_rows = [(s, r) for s, r in cycle_credit_rows(user=user, cycle=cycle) if r.eligible]
        title = f"{cycle.name} cycle"
        rows = [
            {
                "title": s.title + (f": {s.didactic_topic}" if s.didactic_topic else ""),
                "date": f"{s.starts_at.astimezone(zone):%-d %b %Y}",
                "credits": r.credits,
                "body_id": s.accreditation_id,
            }
            for s, r in credit_rows
        ]
        first = credit_rows[0][0].starts_at if credit_rows else None
        last = credit_rows[-1][0].starts_at if credit_rows else None
        dates = (
            f"{first.astimezone(zone):%-d %B %Y} – {last.astimezone(zone):%-d %B %Y}" if first else cycle.name
        )
        body_ids = [r["body_id"] for r in rows if r["body_id"]]
    return {
        "certificate": certificate,
        "participant": certificate.printed_name,
        "program_name": program.name,
        "hub_name": program.hub_name or program.name,
        "title": title,
        "dates": dates,
        "sessions": rows,
        "credits": certificate.credits,
        "credit_type": program.credit_type_label,
        "statements": _statements(program, user),
        "body_ids": body_ids,
        "verify_url": verify_url,
        "qr_data_uri": qr_svg_data_uri(verify_url),
    }


def render_certificate(*, certificate_id: int) -> bool:
    """Render the PDF once and store it with its SHA-256; a second run does nothing."""
    certificate = (
        Certificate.objects.select_related("user", "session__program", "cycle__program")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.render_status == Certificate.RenderStatus.READY:
        return False
    # Dates on the certificate read in the program's zone, whatever the worker's.
    with timezone.override(certificate.program.zone):
        pdf = render_pdf("pdf/certificate.html", certificate_context(certificate))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("user").get(pk=certificate_id)
        if certificate.render_status == Certificate.RenderStatus.READY:
            return False
        certificate.file.save(
            f"certificate-{certificate.code[:12]}-{certificate.issue_number}.pdf",
            ContentFile(pdf),
            save=False,
        )
        certificate.sha256 = sha256_hex(pdf)
        certificate.render_status = Certificate.RenderStatus.READY
        certificate.rendered_at = timezone.now()
        certificate.last_error = ""
        certificate.save()
        queue_email(
            email=certificate.user.email,
            user=certificate.user,
            kind="certificate_ready",
            object_key=f"certificate:{certificate.pk}:{certificate.issue_number}",
            template="certificate_ready",
            context={"certificate": certificate, "cpd_url": absolute_url("cpd:transcript")},
            scope=program_scope(certificate.program.pk),
        )
    return True


EVALUATION_REQUEST_WINDOW = timedelta(days=7)


def send_due_evaluation_requests(*, now=None) -> int:
    """Ask each person who attended a session that ended in the last week, once."""
    now = now or timezone.now()
    attendances = (
        Attendance.objects.filter(
            minutes__gt=0,
            session__status=Session.Status.SCHEDULED,
            session__ends_at__lte=now,
            session__ends_at__gt=now - EVALUATION_REQUEST_WINDOW,
        )
        .annotate(
            evaluated=Exists(Evaluation.objects.filter(session=OuterRef("session"), user=OuterRef("user")))
        )
        .filter(evaluated=False)
        .select_related("user", "session", "session__program")
    )
    messages = [
        Message(
            email=a.user.email,
            user=a.user,
            kind="evaluation_request",
            object_key=f"session:{a.session_id}",
            template="evaluation_request",
            context={
                "session": a.session,
                "evaluate_url": absolute_url("cpd:evaluate", slug=a.session.program.slug, pk=a.session_id),
            },
            scope=program_scope(a.session.program_id),
        )
        for a in attendances
    ]
    return queue_many(messages)


LIKERT = SurveyQuestion.Kind.LIKERT
SURVEY_TEMPLATE: list[dict] = [
    {"kind": LIKERT, "text": "I am confident I can assess chronic pain and its effect on function."},
    {"kind": LIKERT, "text": "I am confident I can taper a patient's opioid dose safely."},
    {"kind": LIKERT, "text": "I am confident I can recognise and manage opioid use disorder."},
    {
        "kind": LIKERT,
        "text": "I am confident I can talk with a patient about the risks of long-term opioids.",
    },
    {"kind": LIKERT, "text": "I am confident I can offer non-drug treatments for chronic pain."},
    {
        "kind": SurveyQuestion.Kind.CHOICE,
        "text": "The 2017 Canadian guideline for chronic non-cancer pain restricts opioids to less than:",
        "choices": ["50 MME", "90 MME", "120 MME", "200 MME"],
    },
    {
        "kind": SurveyQuestion.Kind.CHOICE,
        "text": "Which patient on opioids should be offered a naloxone kit?",
        "choices": ["Only those with a past overdose", "Only those above 90 MME", "Every patient on opioids"],
    },
    {
        "kind": SurveyQuestion.Kind.NUMBER,
        "text": "How many patients on long-term opioids did you see in the past month?",
    },
    {"kind": SurveyQuestion.Kind.TEXT, "text": "What would you most like to learn in this cycle?"},
]


def _survey_for_cycle(cycle: Cycle, by) -> Survey:
    survey, _ = Survey.objects.get_or_create(
        cycle=cycle, defaults={"title": f"{cycle.name} survey", "created_by": by}
    )
    if survey.is_locked:
        raise ValidationError("The questions are fixed once the survey has been sent.")
    return survey


@transaction.atomic
def add_survey_question(*, cycle: Cycle, by, kind: str, text: str, choices: list[str]) -> SurveyQuestion:
    survey = _survey_for_cycle(cycle, by)
    if kind == SurveyQuestion.Kind.CHOICE and len(choices) < 2:
        raise ValidationError("A single-choice question needs at least two choices.")
    position = (survey.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return SurveyQuestion.objects.create(
        survey=survey,
        position=position,
        kind=kind,
        text=text,
        choices=choices if kind == SurveyQuestion.Kind.CHOICE else [],
    )


@transaction.atomic
def start_survey_from_template(*, cycle: Cycle, by) -> Survey:
    """Fill an empty questionnaire with SURVEY_TEMPLATE; one that has questions is left alone."""
    survey = _survey_for_cycle(cycle, by)
    if survey.questions.exists():
        raise ValidationError("This survey already has questions; the template only fills an empty one.")
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=survey, position=i, choices=q.get("choices", []), kind=q["kind"], text=q["text"]
        )
        for i, q in enumerate(SURVEY_TEMPLATE, start=1)
    )
    return survey


@transaction.atomic
def send_survey_phase(*, survey: Survey, phase: str, now=None) -> int:
    """Open a phase and email every approved participant once; sending again reaches only
    those enrolled since. Returns how many emails this call queued."""
    if not survey.questions.exists():
        raise ValidationError("Add at least one question before sending the survey.")
    field = "pre_opens_at" if phase == Survey.Phase.PRE else "post_opens_at"
    Survey.objects.filter(pk=survey.pk, **{f"{field}__isnull": True}).update(**{field: now or timezone.now()})
    survey.refresh_from_db(fields=[field])
    program = survey.cycle.program
    enrollments = Enrollment.objects.filter(
        program=program, role=Role.PARTICIPANT, status=Enrollment.Status.APPROVED
    ).select_related("user")
    answer_url = absolute_url("cpd:survey_answer", slug=program.slug, pk=survey.pk, phase=phase)
    messages = [
        Message(
            email=e.user.email,
            user=e.user,
            kind=f"survey_{phase}",
            object_key=f"survey:{survey.pk}:{phase}",
            template="survey_request",
            context={"survey": survey, "program": program, "phase": phase, "answer_url": answer_url},
            scope=program_scope(program.pk),
        )
        for e in enrollments
    ]
    return queue_many(messages)


def _answer_values(question: SurveyQuestion, value) -> tuple[Decimal | None, str]:
    if value in (None, ""):
        return None, ""
    if question.kind in (SurveyQuestion.Kind.LIKERT, SurveyQuestion.Kind.NUMBER):
        return Decimal(value), ""
    return None, str(value)


@transaction.atomic
def submit_survey_response(
    *, survey: Survey, user, phase: str, answers: Mapping[int, object]
) -> SurveyResponse:
    """Record or replace a participant's answers for one phase; identifying free text is refused."""
    questions = list(survey.questions.all())
    errors = {}
    for q in questions:
        if q.kind == SurveyQuestion.Kind.TEXT:
            findings = find_identifiers(str(answers.get(q.pk) or ""))
            if findings:
                errors[f"q_{q.pk}"] = [explain(f) for f in findings]
    if errors:
        raise ValidationError(errors)
    response, created = SurveyResponse.objects.get_or_create(survey=survey, user=user, phase=phase)
    if not created:
        response.save(update_fields=["updated_at"])
        response.answers.all().delete()
    rows = []
    for q in questions:
        number, text = _answer_values(q, answers.get(q.pk))
        if number is not None or text:
            rows.append(SurveyAnswer(response=response, question=q, value_number=number, value_text=text))
    SurveyAnswer.objects.bulk_create(rows)
    return response
