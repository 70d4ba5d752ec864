"""The recommendation letter as it is sent: the experts' recommendations merged heading by
heading into the text the coordinator reviews and edits, the hub's letterhead, and the context
the PDF and its preview both render from."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from echo_hub.lib.pdf import render_pdf, stored_image_data_uri
from echo_hub.lib.text import check_lengths
from sessions.models import Program, Session

from ..caseforms.definition import MEDICATIONS, fields, heading_keys, heading_labels
from ..caseforms.display import AnswerSection, answer_sections
from ..caseforms.versions import case_definition
from ..models import Case
from .common import guard_identifiers, session_discussed_in, total_mme

# A heading's merged text holds several experts' paragraphs, each up to a recommendation's limit.
LETTER_HEADING_MAX = 12_000
LETTER_TEMPLATE = "pdf/recommendation_letter.html"


@dataclass(frozen=True)
class LetterSection:
    heading: str
    label: str
    text: str


def merged_texts(case: Case) -> dict[str, str]:
    """Every expert's recommendations under each heading, one paragraph each, in the order
    they were written: the letter's text until the coordinator edits it."""
    recommendations = list(case.recommendations.order_by("pk"))
    texts = {}
    for heading in heading_keys(case_definition(case)):
        paragraphs = [r.text.strip() for r in recommendations if r.heading == heading and r.text.strip()]
        if paragraphs:
            texts[heading] = "\n\n".join(paragraphs)
    return texts


def clean_letter_texts(case: Case, texts: Mapping[str, str]) -> dict[str, str]:
    """The coordinator's text, heading by heading: the headings of the case's form only, no
    identifiers, not empty. Raises ValidationError by heading."""
    headings = heading_keys(case_definition(case))
    unknown = set(texts) - set(headings)
    if unknown:
        raise ValidationError(_("Unknown headings: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    cleaned = {
        heading: texts[heading].replace("\r\n", "\n").strip()
        for heading in headings
        if texts.get(heading, "").strip()
    }
    if not cleaned:
        raise ValidationError(_("The letter has no recommendations: keep the text of at least one heading."))
    check_lengths(cleaned, dict.fromkeys(cleaned, LETTER_HEADING_MAX))
    guard_identifiers(cleaned)
    return cleaned


def sections(case: Case, texts: Mapping[str, str]) -> list[LetterSection]:
    return [
        LetterSection(heading=value, label=label, text=texts[value])
        for value, label in heading_labels(case_definition(case)).items()
        if texts.get(value, "").strip()
    ]


def letterhead(program: Program) -> dict:
    """The hub's name, logo and contact from the program's accreditation settings (cpd's row,
    read by its relation name: cases does not import cpd)."""
    try:
        settings_row = program.accreditation
    except ObjectDoesNotExist:
        settings_row = None
    if settings_row is None:
        return {"hub_name": program.name, "logo_data_uri": "", "contact": []}
    contact = [
        settings_row.contact_address,
        settings_row.contact_phone,
        settings_row.contact_email,
        settings_row.website.removeprefix("https://").removeprefix("http://").rstrip("/"),
    ]
    return {
        "hub_name": settings_row.hub_name or program.name,
        "logo_data_uri": stored_image_data_uri(settings_row.logo),
        "contact": [part for part in contact if part],
    }


def letter_document(
    *, case: Case, session: Session | None, issued_at: datetime, texts: Mapping[str, str], experts: list[str]
) -> dict:
    """The context of pdf/recommendation_letter.html, for the sent letter and its preview.
    The pain form's columns print as they always have (its opioid table included); the
    answers of any other form print after them, section by section."""
    definition = case_definition(case)
    medication_field = next((f for f in fields(definition) if f["type"] == MEDICATIONS), None)
    medications = list(case.medications.filter(follow_up=None)) if medication_field else []
    with_mme = bool(medication_field and medication_field.get("mme"))
    return {
        "case": case,
        "program": case.program,
        "session": session,
        "issued_at": issued_at,
        # Translators: a case's number on its letter, e.g. "#42"; French writes « no 42 ».
        "reference": pgettext("case reference", "#%(number)s") % {"number": case.pk},
        "letterhead": letterhead(case.program),
        "sections": sections(case, texts),
        "experts": experts,
        "medications": medications if with_mme else [],
        "total_mme": total_mme(medications) if with_mme else None,
        "answer_sections": _printed(
            answer_sections(definition, case, answered_only=True, columns=False),
            with_medications=bool(medications) and not with_mme,
        ),
        "other_medications": [] if with_mme else medications,
    }


def _printed(sections: list[AnswerSection], *, with_medications: bool) -> list[AnswerSection]:
    """The sections with something to print: an empty medication list and a section left
    with no answer are not printed."""
    printed = []
    for section in sections:
        answers = [a for a in section.answers if a.kind != MEDICATIONS or with_medications]
        if answers:
            printed.append(AnswerSection(section.title, answers))
    return printed


def expert_names(case: Case) -> list[str]:
    return sorted({r.author.name_with_credentials for r in case.recommendations.select_related("author")})


def check_can_finalize(case: Case) -> Session:
    """Why the letter of `case` cannot be sent now (ValidationError), else the session it was
    discussed in. The same rules as finalize_recommendations, for the pages before it."""
    if hasattr(case, "letter"):
        raise ValidationError(_("The letter of this case has already been finalized."))
    if case.status not in (Case.Status.SCHEDULED, Case.Status.PRESENTED):
        raise ValidationError(_("Only a scheduled or presented case can be finalized."))
    if not case.recommendations.exists():
        raise ValidationError(_("There are no recommendations to send yet."))
    return session_discussed_in(case)


def preview_document(*, case: Case, texts: Mapping[str, str], session: Session | None = None) -> dict:
    """The letter as it would go out now with `texts`, nothing saved. `session`: what
    check_can_finalize returned, when the caller has just called it."""
    return letter_document(
        case=case,
        session=session or check_can_finalize(case),
        issued_at=timezone.now(),
        texts=texts,
        experts=expert_names(case),
    )


@contextmanager
def letter_setting(case: Case) -> Iterator[None]:
    """A letter reads in its recipient's (the presenter's) language, whoever renders it (a
    coordinator's preview, a worker), with its dates in the program's zone."""
    language = case.presenter.language or settings.LANGUAGE_CODE
    with timezone.override(case.program.zone), translation.override(language):
        yield


def render_letter_preview(*, case: Case, texts: Mapping[str, str]) -> bytes:
    with letter_setting(case):
        document = preview_document(case=case, texts=clean_letter_texts(case, texts))
        return render_pdf(LETTER_TEMPLATE, document)
