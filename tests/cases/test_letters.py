"""The recommendation letter as it is sent: merged text the coordinator reviews, edits and
confirms; the hub's letterhead, the issue date and the case reference; the expert named once."""

import base64
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from cases import services
from cases.models import RecommendationLetter
from cases.services.letters import letterhead as letterhead_of
from cpd.services import update_accreditation
from echo_hub.audit.models import AuditEvent
from sessions.models import Role
from tests.factories import LOGO_PNG, EnrollmentFactory, RecommendationFactory, UserFactory
from tests.querycount import sql
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db

OPIOID = "Taper oxycodone by 10% of the total daily dose every 2–4 weeks."
OPIOID_2 = "Offer a naloxone kit now and teach the family to use it."
REFERRALS = "Refer to the regional chronic pain program for a multidisciplinary assessment."
EDITED = "Taper oxycodone by 10% of the daily dose every four weeks, slower if withdrawal is hard."


@pytest.fixture
def colleague(program):
    user = UserFactory(full_name="Priya Colleague", credentials="PharmD")
    return EnrollmentFactory(program=program, role=Role.EXPERT, user=user).user


@pytest.fixture
def recommended(session_held, scheduled_case, expert, colleague):
    expert.full_name, expert.credentials = "Ravi Expert", "MD, FRCPC"
    expert.save()
    RecommendationFactory(case=scheduled_case, author=expert, heading="opioid", text=OPIOID)
    RecommendationFactory(case=scheduled_case, author=expert, heading="referrals", text=REFERRALS)
    RecommendationFactory(case=scheduled_case, author=colleague, heading="opioid", text=OPIOID_2)
    return scheduled_case


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # a rendered letter must not take another test's file name


@pytest.fixture
def letterhead(program, coordinator):
    update_accreditation(
        program=program,
        by=coordinator,
        fields={
            "hub_name": "ECHO Ontario Chronic Pain",
            "contact_address": "200 Elizabeth St, Toronto ON",
            "contact_phone": "416-555-0199",
            "contact_email": "echo@example.org",
            "website": "https://echo.example.org/",
        },
        images={"logo": LOGO_PNG},
    )


def _pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def _stored_pdf(letter: RecommendationLetter) -> bytes:
    letter.refresh_from_db()
    with letter.file.open("rb") as handle:
        return handle.read()


def _messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


# services


def test_merged_texts_put_every_experts_recommendations_under_their_heading(recommended):
    assert services.merged_texts(recommended) == {"referrals": REFERRALS, "opioid": f"{OPIOID}\n\n{OPIOID_2}"}


def test_finalize_stores_the_confirmed_text_and_the_pdf_prints_it(
    recommended, coordinator, letterhead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.finalize_recommendations(
            case=recommended,
            by=coordinator,
            texts={"opioid": EDITED, "referrals": REFERRALS, "non_pharm": " "},
        )

    assert letter.final_text == {"referrals": REFERRALS, "opioid": EDITED}
    event = AuditEvent.objects.get(action=AuditEvent.Action.RECOMMENDATIONS_FINALIZED)
    assert event.extra == {"letter_id": letter.pk, "edited": True}
    data = _stored_pdf(letter)
    pages = _pdf_pages(data)
    text = " ".join(pages)
    assert "ECHO Ontario Chronic Pain" in text
    assert "200 Elizabeth St, Toronto ON · 416-555-0199 · echo@example.org · echo.example.org" in text
    assert f"{timezone.localdate(letter.finalized_at):%-d %B %Y} Hub recommendations" in text
    assert f"Case reference #{recommended.pk}" in text
    assert "Referrals " + REFERRALS in text
    assert "Opioid management " + EDITED in text
    assert OPIOID_2 not in text
    # Each expert once, in the list of hub experts, not under every heading.
    assert "Hub experts Priya Colleague, PharmD; Ravi Expert, MD, FRCPC" in text
    assert (text.count("Ravi Expert"), text.count("Priya Colleague")) == (1, 1)
    logo = letterhead_of(recommended.program)["logo_data_uri"]
    assert logo == "data:image/png;base64," + base64.b64encode(LOGO_PNG).decode()


def test_finalize_without_texts_sends_the_merged_recommendations(recommended, coordinator):
    letter = services.finalize_recommendations(case=recommended, by=coordinator)

    assert letter.final_text == services.merged_texts(recommended)
    assert AuditEvent.objects.get(action=AuditEvent.Action.RECOMMENDATIONS_FINALIZED).extra["edited"] is False


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (
            {"opioid": "  ", "referrals": ""},
            "The letter has no recommendations: keep the text of at least one heading.",
        ),
        (
            {"opioid": "Call Mr. John Smith at 416-555-0123 about the taper."},
            "Name of a person “Mr. John Smith”",
        ),
    ],
)
def test_finalize_with_an_empty_or_identifying_text_saves_nothing(recommended, coordinator, texts, message):
    before = snapshot()

    with pytest.raises(ValidationError) as caught:
        services.finalize_recommendations(case=recommended, by=coordinator, texts=texts)

    assert message in " ".join(caught.value.messages)
    assert changes_since(before) == {}


def test_long_recommendations_start_on_the_first_page(recommended, coordinator, letterhead):
    long_text = "\n\n".join(
        f"Step {n}: reduce the daily dose by 10% and review pain, sleep and function." for n in range(40)
    )

    pdf = services.render_letter_preview(case=recommended, texts={"opioid": long_text})

    first, *rest = _pdf_pages(pdf)
    assert rest, "the long letter runs over several pages"
    assert "Recommendations Opioid management Step 0: reduce the daily dose" in first


# the page


def _url(case) -> str:
    return reverse("cases:finalize", kwargs={"pk": case.pk})


def test_letter_page_shows_the_letter_as_it_will_be_sent(client, recommended, coordinator, letterhead):
    client.force_login(coordinator)
    before = snapshot()

    response = client.get(_url(recommended))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>Review the letter for “{escape(recommended.title)}”</h1>" in body
    assert f"{escape(OPIOID)}\n\n{escape(OPIOID_2)}</textarea>" in body
    assert '<p class="letterhead-name">ECHO Ontario Chronic Pain</p>' in body
    assert '<img class="letterhead-logo" src="data:image/png;base64,' in body
    assert f"<tr><td>Case reference</td><td>#{recommended.pk}</td></tr>" in body
    assert f"<p>{escape(OPIOID)}</p>\n\n<p>{escape(OPIOID_2)}</p>" in body
    assert 'name="action" value="pdf"' in body
    assert changes_since(before) == {}


def test_letter_page_preview_shows_the_edit_and_saves_nothing(client, recommended, coordinator):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_url(recommended), {"opioid": EDITED, "referrals": "", "action": "preview"})

    body = response.content.decode()
    assert f"<p>{escape(EDITED)}</p>" in body
    assert escape(REFERRALS) not in body
    assert changes_since(before) == {}


def test_letter_page_pdf_renders_the_edited_text_and_saves_nothing(client, recommended, coordinator):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_url(recommended), {"opioid": EDITED, "referrals": REFERRALS, "action": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="letter-preview-case-{recommended.pk}.pdf"'
    text = " ".join(_pdf_pages(response.content))
    assert EDITED in text
    assert OPIOID_2 not in text
    assert changes_since(before) == {}


def test_letter_page_send_without_confirmation_keeps_the_text_and_sends_nothing(
    client, recommended, coordinator
):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_url(recommended), {"opioid": EDITED, "action": "send"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Tick the box to confirm you have read the letter as it will be sent." in body
    assert f"{escape(EDITED)}</textarea>" in body
    assert changes_since(before) == {}


def test_letter_page_send_with_an_identifier_says_so_and_sends_nothing(client, recommended, coordinator):
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(
        _url(recommended),
        {"opioid": "Call Mr. John Smith at 416-555-0123 about the taper.", "confirm": "on", "action": "send"},
    )

    assert response.status_code == 200
    assert "This looks like it identifies the patient" in response.content.decode()
    assert changes_since(before) == {}


def test_letter_page_send_confirmed_finalizes_the_edited_letter(
    client, recommended, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(recommended), {"opioid": EDITED, "referrals": REFERRALS, "confirm": "on", "action": "send"}
        )

    assert response["Location"] == recommended.get_absolute_url()
    assert _messages(response) == [
        "The letter is finalized. It is being prepared and will be emailed to the presenter."
    ]
    letter = RecommendationLetter.objects.get(case=recommended)
    assert (letter.status, letter.final_text, letter.finalized_by) == (
        RecommendationLetter.Status.READY,
        {"referrals": REFERRALS, "opioid": EDITED},
        coordinator,
    )
    assert EDITED in " ".join(_pdf_pages(_stored_pdf(letter)))


def test_letter_page_after_the_letter_went_sends_back_to_the_case(client, recommended, coordinator):
    services.finalize_recommendations(case=recommended, by=coordinator)
    client.force_login(coordinator)
    before = snapshot()

    response = client.post(_url(recommended), {"opioid": EDITED, "confirm": "on", "action": "send"})

    assert response["Location"] == recommended.get_absolute_url()
    assert _messages(response) == ["The letter of this case has already been finalized."]
    assert changes_since(before) == {}


def test_letter_page_query_count_does_not_grow_with_recommendations(client, recommended, coordinator, expert):
    client.force_login(coordinator)
    url = _url(recommended)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for heading in ("investigations", "non_pharm", "psychosocial"):
        RecommendationFactory(case=recommended, author=UserFactory(), heading=heading, text="Another view.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("Another view.") == 6  # in the form and in the preview
    assert (len(few), len(many)) == (12, 12), sql(few, many)
