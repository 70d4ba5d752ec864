"""Follow-ups the presenter reports, and presenting a case again."""

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from echo_hub.audit.services import Action, record
from echo_hub.lib.text import check_lengths, text_limits

from ..models import (
    LONG_TEXT,
    Case,
    CaseEvent,
    FollowUp,
)
from .common import (
    MedicationRow,
    guard_identifiers,
    medication_limits,
    medication_texts,
    record_event,
    replace_medications,
)


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
        raise ValidationError(_("Only the presenter reports follow-ups."))
    if case.status not in (Case.Status.PRESENTED, Case.Status.LETTER_SENT, Case.Status.SCHEDULED):
        raise ValidationError(_("Follow-ups can be reported once the case has been presented."))
    texts = _follow_up_texts(fields)
    check_lengths(
        texts | medication_texts(medications), text_limits(FollowUp) | medication_limits(medications)
    )
    if present_again:
        _check_re_presentation_fits(case, texts["what_changed"])
    guard_identifiers(texts | medication_texts(medications))
    follow_up = FollowUp.objects.create(case=case, author=author, **_follow_up_texts(fields))
    replace_medications(case, medications, follow_up=follow_up)
    record_event(case, CaseEvent.Kind.FOLLOW_UP, author)
    record(Action.CASE_EDITED, actor=author, obj=case, extra={"follow_up_id": follow_up.pk})
    if present_again:
        _create_re_presentation(case, follow_up, medications)
    return follow_up


ORIGINAL_CONCERN = gettext_noop("Original concern:")
# Translators: the title of a case presented again, e.g. "Follow-up: Low back pain on oxycodone".
FOLLOW_UP_TITLE = gettext_noop("Follow-up: %(title)s")


def _in_presenters_language(case: Case, message: str) -> str:
    """The case presented again is the presenter's text: its title and concern read in their
    language, whoever's language the request is in."""
    with translation.override(case.presenter.language or settings.LANGUAGE_CODE):
        return _(message)


def _original_concern(case: Case) -> str:
    return f"\n\n{_in_presenters_language(case, ORIGINAL_CONCERN)} "


def _check_re_presentation_fits(case: Case, what_changed: str) -> None:
    """The case presented again opens with what changed, then the original concern: together
    they must fit the concern's limit."""
    room = max(LONG_TEXT - len(_original_concern(case)) - len(case.main_concern), 0)
    if len(what_changed) > room:
        raise ValidationError(
            {
                "what_changed": _(
                    "To present the case again, what changed goes before the original concern "
                    "in the new case, and the two may hold %(limit)s characters together: keep this to "
                    "%(room)s characters or fewer (it has %(length)s)."
                )
                % {"limit": LONG_TEXT, "room": room, "length": len(what_changed)}
            }
        )


def _create_re_presentation(case: Case, follow_up: FollowUp, medications: Sequence[MedicationRow]) -> Case:
    again = Case(program=case.program, presenter=case.presenter, follow_up_of=case)
    for name in Case.CONTENT_FIELDS:
        setattr(again, name, getattr(case, name))
    # The same form version and answers: the case presented again reads as the first one did.
    again.form_version_id = case.form_version_id
    again.answers, again.answers_text = case.answers, case.answers_text
    again.title = (_in_presenters_language(case, FOLLOW_UP_TITLE) % {"title": case.title})[:120]
    again.requested_session = None
    again.main_concern = f"{follow_up.what_changed}{_original_concern(case)}{case.main_concern}"
    again.status = Case.Status.SUBMITTED
    again.submitted_at = timezone.now()
    again.save()
    replace_medications(again, medications)
    record_event(again, CaseEvent.Kind.SUBMITTED, case.presenter, gettext_noop("Follow-up presentation"))
    record(Action.CASE_SUBMITTED, actor=case.presenter, obj=again, extra={"follow_up_of": case.pk})
    record_event(case, CaseEvent.Kind.RE_PRESENTATION, case.presenter)
    return again
