"""Every CPD page speaks Canadian French to a French speaker: the participant's transcript,
evaluation and survey, the public verification pages, and the coordinator's certificates,
accreditation, exports and surveys, with their forms' errors and empty states. Each page is
rendered once in English and once in French for the same person: no English phrase of the
catalogue may remain, and no text may read the same in both (a string nobody marked)."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cpd.models import Certificate, Survey, SurveyQuestion
from echo_hub.accounts.models import Profession
from sessions.models import Role
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    CreditTypeFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    SessionFactory,
    UserFactory,
)
from tests.i18n import assert_french_page, english_left, same_in_both, visible_text

pytestmark = pytest.mark.django_db

PROGRAM = "Chronic Pain & Opioid Stewardship"
# What people typed: it stays as typed in both languages.
DATA = (
    PROGRAM,
    "Mainpro+ Certified",
    "Fall 2026",
    "Louise Tremblay",
    "louise@example.org",
    "Paul Roy",
    "paul@example.org",
    "Marc Gagnon",
    "Northern Family Health Team",
    "Tapering opioids safely",
    "Opioid tapering",
    "Pain scale at intake",
    "Program paused after session 12",
)


@pytest.fixture
def world(program, coordinator):
    """A program with a cycle, a held session attended by a French-speaking participant with a
    certificate, another with none yet, a credit type and a survey with a question."""
    coordinator.full_name = "Marc Gagnon"
    coordinator.save()
    participant = UserFactory(full_name="Louise Tremblay", email="louise@example.org")
    EnrollmentFactory(program=program, user=participant, role=Role.PARTICIPANT)
    waiting = UserFactory(full_name="Paul Roy", email="paul@example.org")
    EnrollmentFactory(program=program, user=waiting, role=Role.PARTICIPANT)
    cycle = CycleFactory(
        program=program, name="Fall 2026", start_date=timezone.localdate() - timedelta(days=30)
    )
    held = PastSessionFactory(
        program=program, cycle=cycle, title="Tapering opioids safely", didactic_topic="Opioid tapering"
    )
    SessionFactory(program=program, cycle=cycle, title="Tapering opioids safely, part 2")
    CreditTypeFactory(program=program)
    AttendanceFactory(session=held, user=participant, minutes=120)
    AttendanceFactory(session=held, user=waiting, minutes=120)
    EvaluationFactory(session=held, user=participant)
    certificate = CertificateFactory(user=participant, session=held, credits=Decimal("2.00"))
    survey = Survey.objects.create(cycle=cycle, title="Fall 2026", pre_opens_at=timezone.now())
    SurveyQuestion.objects.create(survey=survey, position=1, kind="likert", text="Pain scale at intake")
    return {
        "program": program,
        "coordinator": coordinator,
        "participant": participant,
        "waiting": waiting,
        "cycle": cycle,
        "held": held,
        "certificate": certificate,
        "survey": survey,
    }


# Times as echo_hub/lib/timefmt.py writes them in English ("Sun 13 Dec 2026, 06:58 EST"): the
# language plumbing makes them French and tests them there; here they are left out of the
# English page's comparison, like what people typed.
ENGLISH_TIME = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}(, \d{2}:\d{2}(–\d{2}:\d{2})?)?( [A-Z]{3,4})?"
)


def _both(client, user, url: str, data: dict | None = None) -> tuple[str, str]:
    """The page for `user` in French and in English (a POST when `data` is given)."""
    bodies = {}
    for language in ("en-ca", "fr-ca"):
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        bodies[language] = response.content.decode()
    return bodies["fr-ca"], ENGLISH_TIME.sub("", bodies["en-ca"])


def _slug(w) -> str:
    return w["program"].slug


# (name, who sees it, URL, POST data or None)
PAGES = [
    ("transcript", "participant", lambda w: reverse("cpd:transcript"), None),
    ("transcript, nothing yet", "outsider", lambda w: reverse("cpd:transcript"), None),
    ("evaluate", "waiting", lambda w: reverse("cpd:evaluate", args=[_slug(w), w["held"].pk]), None),
    (
        "evaluate, errors",
        "waiting",
        lambda w: reverse("cpd:evaluate", args=[_slug(w), w["held"].pk]),
        {"relevance": "9"},
    ),
    (
        "survey to answer",
        "participant",
        lambda w: reverse("cpd:survey_answer", args=[_slug(w), w["survey"].pk, "pre"]),
        None,
    ),
    (
        "survey answer, errors",
        "participant",
        lambda w: reverse("cpd:survey_answer", args=[_slug(w), w["survey"].pk, "pre"]),
        {},
    ),
    ("certificates", "coordinator", lambda w: reverse("cpd:manage_certificates", args=[_slug(w)]), None),
    (
        "issuing progress of a session",
        "coordinator",
        lambda w: reverse("cpd:progress", args=[_slug(w)]) + f"?session={w['held'].pk}",
        None,
    ),
    (
        "issuing progress of a cycle",
        "coordinator",
        lambda w: reverse("cpd:progress", args=[_slug(w)]) + f"?cycle={w['cycle'].pk}",
        None,
    ),
    (
        "close a cycle",
        "coordinator",
        lambda w: reverse("cpd:cycle_close", args=[_slug(w), w["cycle"].pk]),
        None,
    ),
    (
        "close a cycle, errors",
        "coordinator",
        lambda w: reverse("cpd:cycle_close", args=[_slug(w), w["cycle"].pk]),
        {"reason": ""},
    ),
    ("revoke", "coordinator", lambda w: reverse("cpd:revoke", args=[w["certificate"].pk]), None),
    (
        "revoke, errors",
        "coordinator",
        lambda w: reverse("cpd:revoke", args=[w["certificate"].pk]),
        {"reason": ""},
    ),
    ("export attendance", "coordinator", lambda w: reverse("cpd:export_attendance", args=[_slug(w)]), None),
    (
        "export attendance, errors",
        "coordinator",
        lambda w: reverse("cpd:export_attendance", args=[_slug(w)]) + "?start=2026-05-01&end=2026-04-01",
        None,
    ),
    ("PARS export", "coordinator", lambda w: reverse("cpd:export_credits", args=[_slug(w), "pars"]), None),
    (
        "Mainpro+ export",
        "coordinator",
        lambda w: reverse("cpd:export_credits", args=[_slug(w), "mainpro"]),
        None,
    ),
    ("accreditation", "coordinator", lambda w: reverse("cpd:accreditation", args=[_slug(w)]), None),
    (
        "accreditation, errors",
        "coordinator",
        lambda w: reverse("cpd:accreditation", args=[_slug(w)]),
        {"contact_email": "not an address", "website": "no such site"},
    ),
    ("add a credit type", "coordinator", lambda w: reverse("cpd:credit_type_create", args=[_slug(w)]), None),
    (
        "add a credit type, errors",
        "coordinator",
        lambda w: reverse("cpd:credit_type_create", args=[_slug(w)]),
        {"name": "Mainpro+ Certified", "professions": [Profession.FAMILY_PHYSICIAN]},
    ),
    ("surveys", "coordinator", lambda w: reverse("cpd:survey_list", args=[_slug(w)]), None),
    (
        "survey questions",
        "coordinator",
        lambda w: reverse("cpd:survey_build", args=[_slug(w), w["cycle"].pk]),
        None,
    ),
    (
        "survey results",
        "coordinator",
        lambda w: reverse("cpd:survey_results", args=[_slug(w), w["cycle"].pk]),
        None,
    ),
]


@pytest.mark.parametrize(("name", "role", "url", "data"), PAGES, ids=[p[0] for p in PAGES])
def test_cpd_page_is_in_french_for_a_french_speaker(client, world, outsider, name, role, url, data):
    user = outsider if role == "outsider" else world[role]

    french, english = _both(client, user, url(world), data)

    assert (english_left(french), same_in_both(english, french, DATA)) == ([], [])
    assert_french_page(french, english, data=DATA)


def test_the_transcript_says_what_is_missing_and_the_credits_in_french(client, world):
    french, _ = _both(client, world["waiting"], reverse("cpd:transcript"))

    assert "Votre relevé de DPC" in french
    assert "Évaluation non remplie" in french
    assert "La remplir maintenant" in french


def test_the_evaluation_errors_are_in_french(client, world):
    french, _ = _both(
        client,
        world["waiting"],
        reverse("cpd:evaluate", args=[_slug(world), world["held"].pk]),
        {"relevance": "9"},
    )

    assert "Dans quelle mesure cette séance était-elle pertinente pour votre pratique?" in french
    assert "Ce champ est obligatoire." in french


def test_the_credit_type_form_says_the_name_is_taken_in_french(client, world):
    url = reverse("cpd:credit_type_create", args=[_slug(world)])

    data = {
        "name": "Mainpro+ Certified",
        "professions": [Profession.NURSE_PRACTITIONER],
        "credits_per_hour": "1",
        "rounding_step": "0.25",
    }
    french, _ = _both(client, world["coordinator"], url, data)

    assert "Ce programme a déjà un type de crédits nommé « Mainpro+ Certified »." in visible_text(french)


def test_the_bulk_issue_message_and_reasons_are_in_french(client, world):
    coordinator = world["coordinator"]
    coordinator.language = "fr-ca"
    coordinator.save()
    client.force_login(coordinator)

    page = client.post(
        reverse("cpd:bulk_issue", args=[_slug(world)]), {"session": world["held"].pk}, follow=True
    ).content.decode()

    assert "Aucune attestation délivrée (1 existait déjà)." in page
    assert "Évaluation manquante (ouverte jusqu&#x27;au" in page


@pytest.mark.parametrize(
    ("code", "french"),
    [
        ("valid", "Attestation valide."),
        ("revoked", "Cette attestation a été révoquée"),
    ],
)
def test_the_public_verification_page_is_in_french_for_a_french_visitor(client, world, code, french):
    certificate = world["certificate"]
    if code == "revoked":
        Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    url = reverse("cpd:verify", args=[certificate.code])
    english = client.get(url).content.decode()

    client.cookies["django_language"] = "fr-ca"
    body = client.get(url).content.decode()

    assert_french_page(body, english, data=DATA)
    assert french in body


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("cpd:verify_lookup"),
        lambda: reverse("cpd:verify_lookup") + "?code=not/a/code",
        lambda: reverse("cpd:verify", args=["no-such-code"]),
    ],
    ids=["lookup", "lookup, error", "unknown code"],
)
def test_the_verification_lookup_pages_are_in_french_for_a_french_visitor(client, db, url):
    english = client.get(url()).content.decode()
    client.cookies["django_language"] = "fr-ca"

    body = client.get(url()).content.decode()

    assert_french_page(body, english, data=("no-such-code", "not/a/code"))


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_transcript_pdf_is_in_french_for_a_french_participant(client, world):
    participant = world["participant"]
    participant.language = "fr-ca"
    participant.save()
    client.force_login(participant)

    text = _pdf_text(client.get(reverse("cpd:transcript_pdf")).content)

    assert "Relevé de DPC" in text
    assert "Présence" in text and "Évaluation" in text and "Crédits" in text
    assert "120 min" in text and "Remplie" in text
    assert "Chaque attestation peut être vérifiée à" in text
    for english in ("CPD transcript", "Attended", "Each certificate can be checked", "Prepared"):
        assert english not in text
