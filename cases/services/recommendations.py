"""The hub's recommendations and the letter that carries them to the presenter."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, record
from echo_hub.lib.pdf import render_pdf, sha256_hex
from echo_hub.lib.renders import Renders
from echo_hub.lib.text import check_lengths, text_limits

from ..caseforms.definition import heading_keys
from ..caseforms.versions import case_definition
from ..library import reopen_library_screening
from ..models import (
    Case,
    CaseEvent,
    Recommendation,
    RecommendationLetter,
)
from .common import email_presenter, guard_identifiers, record_event, session_discussed_in
from .letters import (
    LETTER_TEMPLATE,
    clean_letter_texts,
    expert_names,
    letter_document,
    letter_setting,
    merged_texts,
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


@transaction.atomic
def save_recommendations(*, case: Case, author, texts: Mapping[str, str]) -> list[Recommendation]:
    """Store one expert's recommendations, heading by heading; an empty text removes one.
    Any change sends a case screened for the library back to screening."""
    # The lock orders this against a coordinator's library screening of the same case.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in (Case.Status.SCHEDULED, Case.Status.PRESENTED):
        raise ValidationError(
            _("Recommendations can be written once the case is scheduled, until the letter is sent.")
        )
    unknown = set(texts) - set(heading_keys(case_definition(case)))
    if unknown:
        raise ValidationError(_("Unknown headings: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
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
            current, _created = Recommendation.objects.update_or_create(
                case=case, author=author, heading=heading, defaults={"text": text}
            )
            changed = True
        saved.append(current)
    if changed:
        reopen_library_screening(case)
    record(Action.RECOMMENDATIONS_SAVED, actor=author, obj=case, extra={"headings": len(saved)})
    return saved


@transaction.atomic
def finalize_recommendations(
    *, case: Case, by, texts: Mapping[str, str] | None = None
) -> RecommendationLetter:
    """Close the recommendations and have the letter rendered once, after commit. `texts` is
    the letter's text as the coordinator confirmed it, heading by heading (the experts'
    recommendations merged when not given); the PDF prints it."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    existing = RecommendationLetter.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.status not in (Case.Status.SCHEDULED, Case.Status.PRESENTED):
        raise ValidationError(_("Only a scheduled or presented case can be finalized."))
    if not case.recommendations.exists():
        raise ValidationError(_("There are no recommendations to send yet."))
    session = session_discussed_in(case)
    merged = merged_texts(case)
    final = clean_letter_texts(case, merged if texts is None else texts)
    if case.status == Case.Status.SCHEDULED:
        record_event(case, CaseEvent.Kind.PRESENTED, by)
        record(Action.CASE_PRESENTED, actor=by, obj=case, extra={"session_id": session.pk})
    letter = RecommendationLetter.objects.create(
        case=case, session=session, finalized_by=by, final_text=final
    )
    record(
        Action.RECOMMENDATIONS_FINALIZED,
        actor=by,
        obj=case,
        extra={"letter_id": letter.pk, "edited": final != merged},
    )
    case.status = Case.Status.PRESENTED
    case.save(update_fields=["status", "updated_at"])
    LETTER_RENDERS.enqueue(letter.pk)
    return letter


def retry_letter_render(*, letter: RecommendationLetter) -> None:
    """A coordinator asks for another try at a letter whose tries ran out."""
    if not LETTER_RENDERS.restart(letter.pk, failed_only=True):
        raise ValidationError(_("This letter is not waiting for a retry: it is ready or being prepared."))


def letter_context(letter: RecommendationLetter) -> dict:
    """What the letter prints: the session it was discussed in, the day it was finalized and
    the text the coordinator confirmed are the letter's own, fixed when it was finalized."""
    case = letter.case
    return letter_document(
        case=case,
        session=letter.session,
        issued_at=letter.finalized_at,
        texts=letter.final_text or merged_texts(case),
        experts=expert_names(case),
    )


def render_letter(*, letter_id: int) -> bool:
    """Render the letter PDF once; a second run finds it ready and does nothing."""
    claimed = RecommendationLetter.objects.filter(
        pk=letter_id, status__in=[RecommendationLetter.Status.RENDERING, RecommendationLetter.Status.FAILED]
    ).exists()
    if not claimed:
        return False
    letter = RecommendationLetter.objects.select_related(
        "case", "case__program", "case__presenter", "session"
    ).get(pk=letter_id)
    with letter_setting(letter.case):
        pdf = render_pdf(LETTER_TEMPLATE, letter_context(letter))
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
        record_event(case, CaseEvent.Kind.LETTER_SENT, letter.finalized_by)
        email_presenter(case, "letter_ready", f"letter:{letter.pk}", {"letter": letter})
    return True
