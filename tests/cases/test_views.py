import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from cases import selectors
from cases.deid import FIX_ADVICE, KIND_LABELS, find_identifiers
from cases.models import Case, CaseEvent, CaseSlot, FollowUp, Medication, Recommendation, RecommendationLetter
from echo_hub.lib.timefmt import date_time
from sessions.models import Role
from tests.factories import (
    CaseFactory,
    CaseSlotFactory,
    EnrollmentFactory,
    MedicationFactory,
    ProgramFactory,
    RecommendationFactory,
    SessionFactory,
    UserFactory,
)

from .conftest import CASE_FIELDS

pytestmark = pytest.mark.django_db

IDENTIFYING_CONCERN = "Mrs. Tremblay has taken oxycodone CR 60 mg twice daily for years."


def _messages(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


def _medication_rows(rows: list[tuple[str, str, str, str]], *, total: int = 3, initial: int = 0) -> dict:
    data = {
        "medications-TOTAL_FORMS": str(total),
        "medications-INITIAL_FORMS": str(initial),
        "medications-MIN_NUM_FORMS": "0",
        "medications-MAX_NUM_FORMS": "12",
    }
    for index, (drug, drug_other, dose, schedule) in enumerate(rows):
        data |= {
            f"medications-{index}-drug": drug,
            f"medications-{index}-drug_other": drug_other,
            f"medications-{index}-daily_dose": dose,
            f"medications-{index}-schedule": schedule,
        }
    return data


def _case_post(*, button: str = "save", rows=None, **overrides) -> dict:
    fields = CASE_FIELDS | overrides
    data = {name: value for name, value in fields.items() if not isinstance(value, bool)}
    data |= {name: "on" for name, value in fields.items() if value is True}
    data |= _medication_rows(
        [("oxycodone", "", "120", "60 mg CR q12h"), ("other", "Pregabalin", "300", "150 mg BID")]
        if rows is None
        else rows
    )
    return data | {button: button}


def _input(name: str, value) -> str:
    return f'name="{name}" value="{escape(value)}"'


def _textarea(name: str, value: str) -> str:
    return f'id="id_{name}">\n{escape(value)}</textarea>'


def _create_url(program) -> str:
    return reverse("cases:create", kwargs={"slug": program.slug})


# presenting a case


def test_case_form_shows_every_section_and_the_no_attachments_notice(client, presenter, program, session):
    client.force_login(presenter)

    response = client.get(_create_url(program))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>Present a case to {escape(program.name)}</h1>" in body
    assert re.findall(r'<legend class="h5">([^<]+)</legend>', body) == [
        "The case",
        "Pain history",
        "Treatment",
        "Assessment and monitoring",
        "Mental health and social context",
        "Your questions for the hub",
        "Before you submit",
    ]
    assert "There are no file attachments, on purpose: scans and letters carry identifiers." in body
    assert re.findall(r'name="(medications-\d-drug)"', body) == [f"medications-{i}-drug" for i in range(3)]
    assert f'<option value="{session.pk}">Session 1 · {date_time(session.starts_at)}</option>' in body
    assert 'type="file"' not in body


def test_case_create_save_stores_a_draft_and_redirects_to_it(client, presenter, program):
    client.force_login(presenter)

    response = client.post(_create_url(program), _case_post())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
    assert _messages(response) == ["Draft saved. Only you can see it."]
    assert (case.presenter, case.program, case.status, case.title) == (
        presenter,
        program,
        Case.Status.DRAFT,
        CASE_FIELDS["title"],
    )
    assert (case.pain_intensity, case.attested_deidentified) == (7, True)
    assert list(case.medications.values_list("drug", "drug_other", "mme")) == [
        ("oxycodone", "", Decimal("180.0")),
        ("other", "Pregabalin", None),
    ]
    assert mail.outbox == []


def test_case_create_submit_sends_the_case_to_the_coordinators(
    client, presenter, program, django_capture_on_commit_callbacks
):
    client.force_login(presenter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_create_url(program), _case_post(button="submit"))

    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
    assert _messages(response) == ["Your case is submitted. A coordinator will screen it and give it a slot."]
    assert case.status == Case.Status.SUBMITTED
    assert [m.subject for m in mail.outbox] == [f"We received your case #{case.pk}"]


def test_case_create_submit_with_missing_fields_keeps_a_draft_and_shows_the_errors(
    client, presenter, program
):
    client.force_login(presenter)
    data = _case_post(button="submit", question_1="", consent="")
    del data["attested_deidentified"]

    response = client.post(_create_url(program), data)

    body = response.content.decode()
    case = Case.objects.get()
    assert response.status_code == 200
    assert (case.status, case.title, case.question_1) == (Case.Status.DRAFT, CASE_FIELDS["title"], "")
    assert case.medications.count() == 2
    assert (
        '<a href="#id_consent" class="alert-link">Patient consent to discuss</a>: Required before you submit.'
        in body
    )
    assert '<a href="#id_question_1" class="alert-link">Question 1</a>: Required before you submit.' in body
    assert (
        '<a href="#id_attested_deidentified" class="alert-link">'
        "I confirm this case holds no patient identifiers</a>: "
        "Confirm that the case holds no patient identifiers."
    ) in body
    assert _input("title", CASE_FIELDS["title"]) in body
    assert _textarea("main_concern", CASE_FIELDS["main_concern"]) in body
    assert _input("medications-0-schedule", "60 mg CR q12h") in body
    assert mail.outbox == []


def test_case_create_submit_again_after_fixing_the_errors_keeps_one_case(client, presenter, program):
    client.force_login(presenter)
    errors = client.post(_create_url(program), _case_post(button="submit", question_1=""))
    form = re.search(
        r'<form method="post" id="case-form"(?: action="([^"]*)")? novalidate class="case-form">',
        errors.content.decode(),
    )

    response = client.post(form.group(1) or _create_url(program), _case_post(button="submit"))

    assert response.status_code == 302
    assert list(Case.objects.values_list("status", flat=True)) == [Case.Status.SUBMITTED]


def test_case_create_with_an_identifier_shows_it_keeps_the_input_and_stores_nothing(
    client, presenter, program
):
    client.force_login(presenter)
    data = _case_post(main_concern=IDENTIFYING_CONCERN)

    response = client.post(_create_url(program), data)

    body = response.content.decode()
    findings = find_identifiers(IDENTIFYING_CONCERN)
    assert findings
    assert response.status_code == 200
    assert (Case.objects.count(), Medication.objects.count()) == (0, 0)
    assert "Nothing was saved: some text looks like it could identify the patient" in body
    assert '<a class="alert-link" href="#id_main_concern">Main concern</a>' in body
    for finding in findings:
        label = escape(KIND_LABELS[finding.kind])
        assert f'<mark title="{label}">{escape(finding.text)}</mark>' in body
        assert f"<mark>{escape(finding.text)}</mark> — {label}. {escape(FIX_ADVICE[finding.kind])}" in body
    assert _textarea("main_concern", IDENTIFYING_CONCERN) in body
    for name in ("title", "pain_onset", "pain_duration", "pain_location", "pain_character"):
        assert _input(name, CASE_FIELDS[name]) in body
    for name in ("function_goals", "treatments_tried", "social_context", "question_1", "question_2"):
        assert _textarea(name, CASE_FIELDS[name]) in body
    assert _input("pain_intensity", "7") in body
    assert (
        'name="attested_deidentified" class="checkboxinput form-check-input" id="id_attested_deidentified" checked'
        in body
    )
    assert '<option value="yes" selected>Yes</option>' in body
    assert '<option value="50-59" selected>50–59</option>' in body
    assert '<option value="oxycodone" selected>Oxycodone</option>' in body
    assert _input("medications-0-daily_dose", "120") in body
    assert _input("medications-1-drug_other", "Pregabalin") in body
    assert _input("medications-1-schedule", "150 mg BID") in body


def test_case_create_with_a_zero_width_space_in_the_title_keeps_the_input_and_stores_nothing(
    client, presenter, program
):
    client.force_login(presenter)
    title = "Tapering\u200b oxycodone"

    response = client.post(_create_url(program), _case_post(title=title))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": [
            "This text holds an invisible formatting character (U+200B ZERO WIDTH SPACE), which can "
            "reverse or hide letters where it is shown or printed. Retype it without it."
        ]
    }
    assert _input("title", title) in response.content.decode()
    assert Case.objects.count() == 0


def test_case_create_with_an_identifier_in_a_medication_row_stores_nothing(client, presenter, program):
    client.force_login(presenter)
    rows = [("oxycodone", "", "120", "as OHIP 1234-567-890 allows")]

    response = client.post(_create_url(program), _case_post(rows=rows))

    body = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 0
    for finding in find_identifiers("as OHIP 1234-567-890 allows"):
        assert f'<mark title="{escape(KIND_LABELS[finding.kind])}">{escape(finding.text)}</mark>' in body
    assert _input("medications-0-schedule", "as OHIP 1234-567-890 allows") in body
    assert _textarea("main_concern", CASE_FIELDS["main_concern"]) in body


def test_case_create_highlights_an_identifier_in_escaped_text(client, presenter, program):
    client.force_login(presenter)
    concern = "<b>Mrs. Tremblay</b> & her husband ask about tapering."

    response = client.post(_create_url(program), _case_post(main_concern=concern))

    body = response.content.decode()
    findings = find_identifiers(concern)
    assert [f.kind for f in findings] == ["name"]
    start, end = findings[0].start, findings[0].end
    assert (
        f'{escape(concern[:start])}<mark title="{KIND_LABELS["name"]}">{escape(concern[start:end])}</mark>'
        f"{escape(concern[end:])}"
    ) in body
    assert "<b>Mrs" not in body
    assert Case.objects.count() == 0


def test_case_edit_with_an_identifier_keeps_the_stored_draft(client, presenter, program, draft_case):
    stored = (draft_case.title, draft_case.main_concern)
    client.force_login(presenter)
    url = reverse("cases:edit", kwargs={"pk": draft_case.pk})

    response = client.post(url, _case_post(main_concern=IDENTIFYING_CONCERN, title="Changed title"))

    draft_case.refresh_from_db()
    assert response.status_code == 200
    assert (draft_case.title, draft_case.main_concern) == stored
    assert _input("title", "Changed title") in response.content.decode()


def test_case_edit_of_a_returned_case_shows_the_comment_and_saves(client, presenter, program):
    case = CaseFactory(
        program=program,
        presenter=presenter,
        status=Case.Status.RETURNED,
        return_comment="Add the lorazepam dose.",
    )
    client.force_login(presenter)
    url = reverse("cases:edit", kwargs={"pk": case.pk})

    page = client.get(url)
    response = client.post(url, _case_post(benzodiazepine_coprescribed=True))

    case.refresh_from_db()
    assert (
        "<strong>The coordinator asked for changes:</strong> Add the lorazepam dose." in page.content.decode()
    )
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
    assert (case.status, case.benzodiazepine_coprescribed) == (Case.Status.RETURNED, True)


def test_case_submit_of_an_incomplete_draft_sends_back_to_the_form(client, presenter, program):
    case = CaseFactory(program=program, presenter=presenter, question_1="")
    client.force_login(presenter)

    response = client.post(reverse("cases:submit", kwargs={"pk": case.pk}))

    case.refresh_from_db()
    assert response["Location"] == reverse("cases:edit", kwargs={"pk": case.pk})
    assert _messages(response) == ["Before submitting: Required before you submit."]
    assert case.status == Case.Status.DRAFT


def test_case_submit_of_a_returned_case_resubmits_it(client, presenter, program):
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.RETURNED)
    client.force_login(presenter)

    response = client.post(reverse("cases:submit", kwargs={"pk": case.pk}))

    case.refresh_from_db()
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
    assert _messages(response) == ["Your case is submitted."]
    assert case.status == Case.Status.SUBMITTED


# the case page


@pytest.mark.parametrize(
    ("rows", "cells", "total", "css", "alerts"),
    [
        (
            [("oxycodone", "120"), ("hydromorphone", "16")],
            ["180", "80"],
            "260",
            "mme-high",
            ["At or above 90 MME/day."],
        ),
        ([("tramadol", "300")], ["60"], "60", "mme-caution", ["At or above 50 MME/day."]),
        (
            [("oxycodone", "20"), ("tramadol", "100")],
            ["30", "20"],
            "50",
            "mme-caution",
            ["At or above 50 MME/day."],
        ),
        ([("morphine", "90")], ["90"], "90", "mme-high", ["At or above 90 MME/day."]),
        ([("codeine", "240"), ("buprenorphine", "8")], ["36", "—"], "36", "", []),
    ],
)
def test_case_detail_shows_mme_per_medication_the_total_and_its_level(
    client, presenter, draft_case, rows, cells, total, css, alerts
):
    for drug, dose in rows:
        MedicationFactory(case=draft_case, drug=drug, daily_dose=Decimal(dose))
    client.force_login(presenter)

    response = client.get(reverse("cases:detail", kwargs={"pk": draft_case.pk}))

    body = response.content.decode()
    assert re.findall(r'<td data-label="MME/day" class="num">([^<]+)</td>', body) == cells
    assert f'<td class="num {css}">{total} MME/day</td>' in body
    assert (
        re.findall(r'<p class="alert alert-(?:danger|warning) py-2"><strong>([^<]+)</strong>', body) == alerts
    )


def test_case_detail_without_medications_says_so(client, presenter, draft_case):
    client.force_login(presenter)

    response = client.get(reverse("cases:detail", kwargs={"pk": draft_case.pk}))

    body = response.content.decode()
    assert "No medications listed." in body
    assert "MME/day</td>" not in body


# coordinator: screening and scheduling


def test_case_assign_gives_the_case_a_slot_and_tells_the_presenter(
    client, coordinator, submitted_case, session, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", kwargs={"pk": submitted_case.pk}))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:assign", kwargs={"pk": submitted_case.pk}), {"session": session.pk}
        )

    submitted_case.refresh_from_db()
    slot = CaseSlot.objects.get()
    option = re.search(rf'<option value="{session.pk}">([^<]*)</option>', detail.content.decode())
    assert option is not None
    assert option.group(1).endswith(" · 0/3 taken · Session 1")
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": submitted_case.pk})
    assert _messages(response) == ["Scheduled as case 1 of Session 1. The presenter is told."]
    assert (slot.case, slot.session, slot.position, slot.assigned_by) == (
        submitted_case,
        session,
        1,
        coordinator,
    )
    assert submitted_case.status == Case.Status.SCHEDULED
    assert [m.subject for m in mail.outbox] == ["Your case is on the agenda: Session 1"]


def test_case_assign_to_a_full_session_is_refused(client, coordinator, program, submitted_case):
    full = SessionFactory(program=program, title="Full session", case_slots=1)
    CaseSlotFactory(session=full, case=CaseFactory(program=program, status=Case.Status.SCHEDULED))
    client.force_login(coordinator)

    response = client.post(reverse("cases:assign", kwargs={"pk": submitted_case.pk}), {"session": full.pk})

    submitted_case.refresh_from_db()
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": submitted_case.pk})
    assert _messages(response) == ["Choose an upcoming session with a free case slot."]
    assert (submitted_case.status, CaseSlot.objects.filter(session=full).count()) == (
        Case.Status.SUBMITTED,
        1,
    )


def test_case_return_with_a_comment_returns_it(
    client, coordinator, submitted_case, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:return", kwargs={"pk": submitted_case.pk}), {"comment": "Add the lorazepam dose."}
        )

    submitted_case.refresh_from_db()
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": submitted_case.pk})
    assert _messages(response) == ["The case is returned to its presenter with your comment."]
    assert (submitted_case.status, submitted_case.return_comment) == (
        Case.Status.RETURNED,
        "Add the lorazepam dose.",
    )
    assert [m.subject for m in mail.outbox] == [f"Your case #{submitted_case.pk} needs a change"]


def test_case_return_without_a_comment_shows_the_form_again(client, coordinator, submitted_case):
    client.force_login(coordinator)

    response = client.post(reverse("cases:return", kwargs={"pk": submitted_case.pk}), {"comment": ""})

    submitted_case.refresh_from_db()
    assert response.status_code == 200
    assert '<a href="#id_comment" class="alert-link">Comment</a>: This field is required.' in (
        response.content.decode()
    )
    assert submitted_case.status == Case.Status.SUBMITTED


def test_case_return_with_an_identifier_in_the_comment_is_refused(client, coordinator, submitted_case):
    client.force_login(coordinator)
    comment = "Remove Mrs. Tremblay from the main concern."

    response = client.post(reverse("cases:return", kwargs={"pk": submitted_case.pk}), {"comment": comment})

    body = response.content.decode()
    submitted_case.refresh_from_db()
    assert response.status_code == 200
    assert (submitted_case.status, submitted_case.return_comment) == (Case.Status.SUBMITTED, "")
    assert "<mark" in body
    assert _textarea("comment", comment) in body
    assert CaseEvent.objects.count() == 0


def test_case_mark_presented_moves_the_case_on(session_held, client, coordinator, scheduled_case):
    client.force_login(coordinator)

    response = client.post(reverse("cases:mark_presented", kwargs={"pk": scheduled_case.pk}))

    scheduled_case.refresh_from_db()
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": scheduled_case.pk})
    assert scheduled_case.status == Case.Status.PRESENTED


# recommendations and the letter


OPIOID_TEXT = "Taper oxycodone by 10% of the total daily dose every 2–4 weeks. Offer a naloxone kit now."
NON_PHARM_TEXT = "Graded walking programme with a weekly goal; consider online CBT for chronic pain."
REFERRALS_TEXT = "Refer to the regional chronic pain program for a multidisciplinary assessment."


@pytest.fixture
def colleague(program):
    return EnrollmentFactory(
        program=program, role=Role.EXPERT, user=UserFactory(full_name="Priya Colleague", credentials="PharmD")
    ).user


def test_case_recommendations_lists_colleagues_and_saves_mine(client, expert, colleague, scheduled_case):
    RecommendationFactory(case=scheduled_case, author=colleague, heading="referrals", text=REFERRALS_TEXT)
    client.force_login(expert)
    url = reverse("cases:recommendations", kwargs={"pk": scheduled_case.pk})

    page = client.get(url)
    response = client.post(url, {"opioid": OPIOID_TEXT, "non_pharm": NON_PHARM_TEXT})

    assert "Already written by colleagues" in page.content.decode()
    assert f"<strong>Referrals</strong> (Priya Colleague): {REFERRALS_TEXT}" in page.content.decode()
    assert f"<li>{escape(scheduled_case.question_1)}</li>" in page.content.decode()
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": scheduled_case.pk})
    assert _messages(response) == ["Your recommendations are saved. The coordinator sends the letter."]
    assert list(Recommendation.objects.order_by("pk").values_list("author", "heading", "text")) == [
        (colleague.pk, "referrals", REFERRALS_TEXT),
        (expert.pk, "non_pharm", NON_PHARM_TEXT),
        (expert.pk, "opioid", OPIOID_TEXT),
    ]


def test_case_recommendations_with_an_identifier_stores_nothing(client, expert, scheduled_case):
    client.force_login(expert)
    text = "Call Mrs. Tremblay's pharmacist about the taper."

    response = client.post(
        reverse("cases:recommendations", kwargs={"pk": scheduled_case.pk}),
        {"opioid": OPIOID_TEXT, "referrals": text},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert Recommendation.objects.count() == 0
    assert "<mark" in body
    assert _textarea("opioid", OPIOID_TEXT) in body


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return " ".join(text.split())


def test_case_finalize_then_letter_download_holds_the_recommendations(
    session_held,
    client,
    coordinator,
    expert,
    colleague,
    presenter,
    scheduled_case,
    django_capture_on_commit_callbacks,
):
    MedicationFactory(case=scheduled_case)
    recommendations = [
        RecommendationFactory(case=scheduled_case, author=expert, heading="opioid", text=OPIOID_TEXT),
        RecommendationFactory(case=scheduled_case, author=expert, heading="non_pharm", text=NON_PHARM_TEXT),
        RecommendationFactory(
            case=scheduled_case, author=colleague, heading="referrals", text=REFERRALS_TEXT
        ),
    ]
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        finalized = client.post(
            reverse("cases:finalize", kwargs={"pk": scheduled_case.pk}),
            {
                "opioid": OPIOID_TEXT,
                "non_pharm": NON_PHARM_TEXT,
                "referrals": REFERRALS_TEXT,
                "confirm": "on",
                "action": "send",
            },
        )
    client.force_login(presenter)
    response = client.get(reverse("cases:letter", kwargs={"pk": scheduled_case.pk}))
    data = b"".join(response.streaming_content)

    assert _messages(finalized) == [
        "The letter is finalized. It is being prepared and will be emailed to the presenter."
    ]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="echo-recommendations-case-{scheduled_case.pk}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    with RecommendationLetter.objects.get().file.open("rb") as stored:
        assert data == stored.read()
    text = _pdf_text(data)
    for recommendation in recommendations:
        assert " ".join(recommendation.text.split()) in text
    assert scheduled_case.main_concern in text
    assert scheduled_case.question_1 in text
    assert "Total morphine milligram equivalents 180 MME/day" in text
    assert "At or above 90 MME/day." in text
    assert (
        "The treating clinician keeps full responsibility for the patient's care and for deciding "
        "whether to follow any recommendation."
    ) in text.replace("’", "'")
    assert [m.subject for m in mail.outbox] == [
        f"Recommendations for your case #{scheduled_case.pk} are ready"
    ]


def test_case_finalize_without_recommendations_is_refused(client, coordinator, scheduled_case):
    client.force_login(coordinator)

    response = client.post(reverse("cases:finalize", kwargs={"pk": scheduled_case.pk}))

    assert response["Location"] == reverse("cases:detail", kwargs={"pk": scheduled_case.pk})
    assert _messages(response) == ["There are no recommendations to send yet."]
    assert RecommendationLetter.objects.count() == 0


# follow-ups


def test_case_follow_up_with_present_again_puts_a_linked_case_in_the_queue(
    client, presenter, coordinator, program
):
    case = CaseFactory(
        program=program,
        presenter=presenter,
        status=Case.Status.LETTER_SENT,
        title="Low back pain on oxycodone",
    )
    MedicationFactory(case=case)
    client.force_login(presenter)
    data = {
        "what_changed": "Switched to buprenorphine six weeks later; walking further.",
        "pain_change": "pain 8/10 → 6/10",
        "function_change": "Walks to the end of the road",
        "recommendations_acted_on": "Taper, naloxone kit",
        "present_again": "on",
    } | _medication_rows([("buprenorphine", "", "8", "8 mg SL daily")], total=4, initial=1)

    response = client.post(reverse("cases:follow_up", kwargs={"pk": case.pk}), data)
    client.force_login(coordinator)
    queue = client.get(reverse("cases:queue", kwargs={"slug": program.slug}))

    again = Case.objects.get(follow_up_of=case)
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
    assert _messages(response) == ["Thank you: your follow-up is recorded."]
    assert FollowUp.objects.get().what_changed == data["what_changed"]
    assert (again.title, again.status) == ("Follow-up: Low back pain on oxycodone", Case.Status.SUBMITTED)
    assert (
        f'<a class="fw-semibold" href="{again.get_absolute_url()}">Follow-up: Low back pain on oxycodone</a>'
        '<div class="small text-secondary">Follow-up of “Low back pain on oxycodone”</div>'
    ) in queue.content.decode()


def test_case_follow_up_form_offers_the_current_medications(client, presenter, program):
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.PRESENTED)
    MedicationFactory(case=case)
    client.force_login(presenter)

    response = client.get(reverse("cases:follow_up", kwargs={"pk": case.pk}))

    body = response.content.decode()
    assert '<option value="oxycodone" selected>Oxycodone</option>' in body
    assert _input("medications-0-schedule", "60 mg CR q12h") in body
    assert "I would like to present this case again" in body


# lists


def _titles(response) -> list[str]:
    return re.findall(r'<a class="fw-semibold" href="/cases/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def queue_cases(program, presenter, session):
    later = SessionFactory(program=program, title="Session 2", starts_at=timezone.now() + timedelta(days=14))
    return {
        "submitted": CaseFactory(
            program=program, presenter=presenter, status=Case.Status.SUBMITTED, title="Alpha"
        ),
        "returned": CaseFactory(
            program=program, presenter=presenter, status=Case.Status.RETURNED, title="Bravo"
        ),
        "first": CaseSlotFactory(session=session, case__program=program, case__title="Charlie").case,
        "second": CaseSlotFactory(session=later, case__program=program, case__title="Delta").case,
        "draft": CaseFactory(program=program, presenter=presenter, title="Echo"),
        "sent": CaseFactory(
            program=program, presenter=presenter, status=Case.Status.LETTER_SENT, title="Foxtrot"
        ),
        "later": later,
    }


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({}, ["Alpha", "Bravo", "Charlie", "Delta"]),
        ({"status": "submitted"}, ["Alpha"]),
        ({"status": "letter_sent"}, ["Foxtrot"]),
        ({"session": "later"}, ["Delta"]),
        ({"status": "scheduled", "session": "first"}, ["Charlie"]),
    ],
)
def test_queue_filters_by_status_and_session(
    client, coordinator, program, session, queue_cases, query, titles
):
    sessions = {"first": session.pk, "later": queue_cases["later"].pk}
    params = {key: sessions.get(value, value) for key, value in query.items()}
    client.force_login(coordinator)

    response = client.get(reverse("cases:queue", kwargs={"slug": program.slug}), params)

    assert sorted(_titles(response)) == titles


def test_queue_session_filter_offers_only_sessions_with_cases(client, coordinator, program, session):
    CaseSlotFactory(session=session, case__program=program)
    CaseSlotFactory(session=session, case__program=program)
    empty = SessionFactory(program=program, title="No cases yet")
    client.force_login(coordinator)

    response = client.get(reverse("cases:queue", kwargs={"slug": program.slug}))

    options = response.context["filters"].fields["session"].queryset
    assert list(options) == [session]
    assert f'value="{empty.pk}"' not in response.content.decode()


def test_queue_session_filter_offers_the_last_six_months_and_keeps_an_older_one_asked_for(
    client, coordinator, program, session
):
    CaseSlotFactory(session=session, case__program=program, case__title="Recent")
    old = SessionFactory(program=program, title="Last year", starts_at=timezone.now() - timedelta(days=200))
    CaseSlotFactory(session=old, case__program=program, case__title="Old", case__status=Case.Status.PRESENTED)
    client.force_login(coordinator)
    url = reverse("cases:queue", kwargs={"slug": program.slug})

    offered = client.get(url).context["filters"].fields["session"].queryset
    asked = client.get(url, {"session": old.pk})

    assert list(offered) == [session]
    assert _titles(asked) == ["Old"]
    assert f'<option value="{old.pk}" selected>' in asked.content.decode()
    assert "Sessions of the last six months and the coming ones." in asked.content.decode()


def test_review_list_shows_the_experts_cases_awaiting_recommendations(client, expert, program, session):
    waiting = CaseSlotFactory(session=session, case__program=program, case__title="Alpha").case
    written = CaseSlotFactory(
        session=session, case__program=program, case__title="Bravo", case__status=Case.Status.PRESENTED
    ).case
    RecommendationFactory(case=written, author=expert)
    RecommendationFactory(case=written)
    CaseFactory(program=program, status=Case.Status.SUBMITTED, title="Charlie")
    CaseFactory(program=program, status=Case.Status.LETTER_SENT, title="Delta")
    CaseSlotFactory(case__title="Echo")
    client.force_login(expert)

    response = client.get(reverse("cases:review"))

    body = response.content.decode()
    assert _titles(response) == ["Alpha", "Bravo"]
    assert (
        f'<a class="btn btn-sm btn-primary" href="{reverse("cases:recommendations", args=[waiting.pk])}">'
        "Write recommendations</a></td>"
    ) in body
    assert "0 in total" not in body
    assert "0 recommendations" not in body
    assert (
        '<span class="badge badge-status status-sent">Written</span> '
        '<span class="small text-secondary">2 recommendations written so far</span>'
    ) in body


def test_session_agenda_numbers_the_cases_and_puts_the_questions_first(
    client, participant, presenter, program, session
):
    first = CaseSlotFactory(
        session=session,
        case__program=program,
        case__presenter=presenter,
        case__title="Alpha",
        case__question_2="Is buprenorphine a reasonable switch here?",
    ).case
    second = CaseSlotFactory(session=session, case__program=program, case__title="Bravo").case
    client.force_login(participant)

    response = client.get(reverse("cases:session_agenda", kwargs={"slug": program.slug, "pk": session.pk}))

    body = response.content.decode()
    assert re.findall(r'<h2 class="h5">Case (\d): <a href="/cases/(\d+)/">([^<]+)</a></h2>', body) == [
        ("1", str(first.pk), "Alpha"),
        ("2", str(second.pk), "Bravo"),
    ]
    assert "Presented by a nurse practitioner from a remote community · 50–59 · Man" in body
    assert "Presented by a family physician from a rural community · 50–59 · Man" in body
    section = body[body.index("Case 1:") : body.index("Case 2:")]
    assert section.index(escape(first.question_1)) < section.index(escape(first.question_2))
    assert section.index(escape(first.question_2)) < section.index(escape(first.main_concern[:40]))


def test_nav_and_dashboard_count_the_cases_an_expert_still_has_to_review(client, expert, program, session):
    cases = [CaseSlotFactory(session=session, case__program=program).case for _ in range(2)]
    client.force_login(expert)
    badge = (
        'Cases to review <span class="badge rounded-pill text-bg-light">{n}'
        '<span class="visually-hidden"> waiting</span></span>'
    )

    before = client.get(reverse("home")).content.decode()
    RecommendationFactory(case=cases[0], author=expert)
    after = client.get(reverse("home")).content.decode()

    assert badge.format(n=2) in before
    assert "2 cases await your recommendations</a>" in before
    assert badge.format(n=1) in after
    assert "1 case awaits your recommendations</a>" in after


def test_the_review_count_is_the_review_lists_cases_the_expert_has_not_written_on(expert, program):
    """The navigation's badge counts in a query of its own: the same cases as the list."""
    other = ProgramFactory()
    EnrollmentFactory(program=other, user=expert, role=Role.PARTICIPANT)
    expert_elsewhere = ProgramFactory()
    EnrollmentFactory(program=expert_elsewhere, user=expert, role=Role.EXPERT, status="removed")
    colleague = UserFactory()
    cases = {
        status: CaseFactory(program=program, status=status)
        for status in [s for s, _ in Case.Status.choices if s != Case.Status.DRAFT]
    }
    CaseFactory(program=other, status=Case.Status.SCHEDULED)
    CaseFactory(program=expert_elsewhere, status=Case.Status.SCHEDULED)
    second_scheduled = CaseFactory(program=program, status=Case.Status.SCHEDULED)
    RecommendationFactory(case=cases[Case.Status.PRESENTED], author=expert)
    RecommendationFactory(case=second_scheduled, author=colleague)

    listed = [c for c in selectors.awaiting_recommendations(expert) if not c.written_by_me]

    assert {c.pk for c in listed} == {cases[Case.Status.SCHEDULED].pk, second_scheduled.pk}
    assert selectors.awaiting_recommendations_count(expert) == 2
    RecommendationFactory(case=second_scheduled, author=expert)
    assert selectors.awaiting_recommendations_count(expert) == 1


def test_nav_shows_no_review_badge_to_a_participant(client, participant, program, session):
    CaseSlotFactory(session=session, case__program=program)
    client.force_login(participant)

    body = client.get(reverse("home")).content.decode()

    assert "Cases to review" not in body


def test_the_recommendation_form_shows_the_whole_case_beside_it(client, expert, scheduled_case):
    case = scheduled_case
    case.main_concern, case.treatments_tried = "Asks about tapering oxycodone.", "Physiotherapy, duloxetine."
    case.mental_health, case.benzodiazepine_coprescribed = "Low mood; no suicidal ideation.", True
    case.save()
    MedicationFactory(case=case, drug="oxycodone", daily_dose=Decimal("80"), schedule="40 mg CR q12h")
    FollowUp.objects.create(case=case, author=case.presenter, what_changed="Down to 60 mg a day.")
    client.force_login(expert)

    body = client.get(reverse("cases:recommendations", kwargs={"pk": case.pk})).content.decode()

    form_at = body.index('id="your-recommendations-title"')
    for text in (
        "Asks about tapering oxycodone.",
        "Physiotherapy, duloxetine.",
        "Low mood; no suicidal ideation.",
        "40 mg CR q12h",
        "120 MME/day",
        "Down to 60 mg a day.",
        escape(case.question_1),
    ):
        assert text in body[:form_at], text
    # The same prescribing warnings as the case page and the letter.
    assert "At or above 90 MME/day." in body[:form_at]
    assert "A benzodiazepine or other sedative is co-prescribed." in body[:form_at]
    assert 'name="opioid"' in body[form_at:]


@pytest.mark.parametrize("asked", ["9" * 5000, "99999999999999999999", "-3", "x", "²"])
def test_queue_session_filter_refuses_a_session_that_cannot_be_one(client, coordinator, program, asked):
    client.force_login(coordinator)

    response = client.get(reverse("cases:queue", kwargs={"slug": program.slug}), {"session": asked})

    assert response.status_code == 200
    assert response.context["filters"].errors["session"]
