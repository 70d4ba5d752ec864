"""The dashboard and the program reports speak Canadian French to a French speaker: each page
is rendered once in English and once in French for the same person, and no English phrase of
the catalogue may remain nor any text read the same in both. The report PDF a worker renders
is in the language of the coordinator who asked for it."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from echo_hub.site.models import ReportExport
from echo_hub.site.reports.exports import render_report_export
from sessions.models import Enrollment, Role
from tests.factories import (
    AttendanceClaimFactory,
    AttendanceFactory,
    CycleFactory,
    EnrollmentFactory,
    EvaluationFactory,
    PastSessionFactory,
    SessionFactory,
    UserFactory,
)
from tests.i18n import assert_french_page, english_left, same_in_both, visible_text

pytestmark = pytest.mark.django_db

DATA = (
    "Chronic Pain & Opioid Stewardship",
    "Fall 2026",
    "Tapering opioids safely",
    "Opioid tapering",
    "Sleep and chronic pain",
    "Louise Tremblay",
    "Northern Family Health Team",
    "America/Toronto",
    "newcomer@example.org",
)
# Times as echo_hub/lib/timefmt.py writes them in English: the language plumbing makes them
# French and tests them; here they are left out of the English page's comparison.
ENGLISH_TIME = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}(, \d{2}:\d{2}(–\d{2}:\d{2})?)?( [A-Z]{3,4})?"
)


@pytest.fixture
def world(program, coordinator):
    participant = UserFactory(full_name="Louise Tremblay", email="louise@example.org")
    EnrollmentFactory(program=program, user=participant, role=Role.PARTICIPANT)
    EnrollmentFactory(program=program, user=UserFactory(), status=Enrollment.Status.PENDING)
    cycle = CycleFactory(
        program=program, name="Fall 2026", start_date=timezone.localdate() - timedelta(days=30)
    )
    held = PastSessionFactory(
        program=program, cycle=cycle, title="Tapering opioids safely", didactic_topic="Opioid tapering"
    )
    SessionFactory(
        program=program, cycle=cycle, title="Sleep and chronic pain", didactic_topic="Sleep and chronic pain"
    )
    AttendanceFactory(session=held, user=participant, minutes=120)
    AttendanceFactory(session=held, user=UserFactory(), minutes=100, source="join")
    AttendanceClaimFactory(session=held)
    EvaluationFactory(session=held, user=UserFactory())
    return {"program": program, "coordinator": coordinator, "participant": participant, "cycle": cycle}


def _both(client, user, url: str, data: dict | None = None) -> tuple[str, str]:
    bodies = {}
    for language in ("en-ca", "fr-ca"):
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        bodies[language] = response.content.decode()
    return bodies["fr-ca"], ENGLISH_TIME.sub("", bodies["en-ca"])


def _export(w, status: str, **fields) -> ReportExport:
    return ReportExport.objects.create(
        program=w["program"], requested_by=w["coordinator"], status=status, **fields
    )


def _export_url(w, status: str, **fields) -> str:
    return reverse("reports:export", args=[w["program"].slug, _export(w, status, **fields).pk])


PAGES = [
    ("dashboard of a participant", "participant", lambda w: reverse("home")),
    ("dashboard of a coordinator", "coordinator", lambda w: reverse("home")),
    ("dashboard of someone new", "newcomer", lambda w: reverse("home")),
    ("report", "coordinator", lambda w: reverse("reports:program", args=[w["program"].slug])),
    (
        "report of a cycle",
        "coordinator",
        lambda w: reverse("reports:program", args=[w["program"].slug]) + f"?cycle={w['cycle'].pk}",
    ),
    (
        "report, dates in the wrong order",
        "coordinator",
        lambda w: reverse("reports:program", args=[w["program"].slug]) + "?start=2026-05-01&end=2026-04-01",
    ),
    (
        "report with no sessions yet",
        "coordinator",
        lambda w: reverse("reports:program", args=[w["program"].slug]) + "?start=2020-01-01&end=2020-01-31",
    ),
    ("report PDF being made", "coordinator", lambda w: _export_url(w, "pending")),
    (
        "report PDF being tried again",
        "coordinator",
        lambda w: _export_url(
            w, "pending", last_error="OSError: no space", render_attempts=2, next_render_at=timezone.now()
        ),
    ),
    ("report PDF ready", "coordinator", lambda w: _export_url(w, "ready")),
    ("report PDF failed", "coordinator", lambda w: _export_url(w, "failed", last_error="OSError: no space")),
]


@pytest.mark.parametrize(("name", "role", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_site_page_is_in_french_for_a_french_speaker(client, world, name, role, url):
    user = UserFactory(full_name="", email="newcomer@example.org") if role == "newcomer" else world[role]

    french, english = _both(client, user, url(world))

    assert (english_left(french), same_in_both(english, french, DATA)) == ([], [])
    assert_french_page(french, english, data=DATA)


def test_the_coordinators_waiting_list_counts_in_french(client, world):
    french, _ = _both(client, world["coordinator"], reverse("home"))

    text = visible_text(french)
    assert "Ce qui vous attend" in text
    assert "1 demande d'inscription" in text
    assert "1 demande « J'étais présent·e »" in text
    assert "1 présence provisoire à confirmer" in text


def test_the_report_names_its_tables_and_columns_in_french_for_a_french_coordinator(client, world):
    french, _ = _both(client, world["coordinator"], reverse("reports:program", args=[world["program"].slug]))

    text = visible_text(french)
    for phrase in (
        "Séances tenues",
        "Présence au fil du temps",
        "Heures-participants",
        "Portée par profession",
    ):
        assert phrase in text
    assert "Tenue" in text and "Médecin de famille" in text


def test_a_cached_report_is_read_in_each_viewers_language(client, world, settings):
    url = reverse("reports:program", args=[world["program"].slug])

    french, english = _both(client, world["coordinator"], url)

    assert "Family physician" in english and "Médecin de famille" not in english
    assert "Médecin de famille" in french


def test_the_report_pdf_is_in_the_language_of_the_coordinator_who_asked(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world["coordinator"].language = "fr-ca"
    world["coordinator"].save()
    export = _export(world, "pending")

    render_report_export(export_id=export.pk)

    export.refresh_from_db()
    with export.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Rapport du programme : Chronic Pain & Opioid Stewardship" in text
    assert "Toutes les séances" in text and "Mesure" in text and "Séances tenues" in text
    assert "Une séance est tenue une fois terminée" in text
    for english in ("Program report", "Sessions held", "Measure", "Reach by profession"):
        assert english not in text
