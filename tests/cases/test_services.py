import dataclasses
import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    CaseEvent,
    CaseSlot,
    FollowUp,
    Medication,
    Recommendation,
    RecommendationLetter,
)
from cases.services import MedicationRow
from sessions.models import Session
from tests.factories import (
    CaseFactory,
    CaseSlotFactory,
    MedicationFactory,
    RecommendationFactory,
    SessionFactory,
)

from .conftest import CASE_FIELDS, OXYCODONE, PREGABALIN

pytestmark = pytest.mark.django_db

IDENTIFYING_TEXTS = {
    "name": "Seen with Mrs. Tremblay last week",
    "date": "DOB 14/03/1962",
    "health_card": "OHIP 1234-567-890",
}


def _mails() -> list[tuple[list[str], str]]:
    return [(m.to, m.subject) for m in mail.outbox]


def _events(case) -> list[tuple[str, str]]:
    return list(case.events.order_by("pk").values_list("kind", "note"))


def _save(presenter, program, *, case=None, medications=(OXYCODONE, PREGABALIN), **overrides):
    return services.save_case_draft(
        presenter=presenter,
        program=program,
        fields=CASE_FIELDS | overrides,
        medications=list(medications),
        case=case,
    )


def _submit(case, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.submit_case(case=case, by=by)


# drafts


def test_save_case_draft_stores_fields_and_medications_with_mme(program, presenter):
    case = _save(presenter, program)

    case.refresh_from_db()
    assert (case.program, case.presenter, case.status) == (program, presenter, Case.Status.DRAFT)
    assert {name: getattr(case, name) for name in CASE_FIELDS} == CASE_FIELDS
    assert case.submitted_at is None
    assert list(case.medications.values_list("drug", "drug_other", "daily_dose", "schedule", "mme")) == [
        ("oxycodone", "", Decimal("120.00"), "60 mg CR q12h", Decimal("180.0")),
        ("other", "Pregabalin", Decimal("300.00"), "150 mg BID", None),
    ]
    assert case.events.count() == 0


def test_save_case_draft_again_replaces_fields_and_medications(program, presenter):
    case = _save(presenter, program)
    hydromorphone = MedicationRow(drug="hydromorphone", daily_dose=Decimal("16"), schedule="4 mg q6h")

    again = _save(presenter, program, case=case, medications=[hydromorphone], question_2="")

    case.refresh_from_db()
    assert again.pk == case.pk
    assert Case.objects.count() == 1
    assert case.question_2 == ""
    assert list(Medication.objects.values_list("case", "drug", "daily_dose", "mme")) == [
        (case.pk, "hydromorphone", Decimal("16.00"), Decimal("80.0"))
    ]


@pytest.mark.parametrize("kind", list(IDENTIFYING_TEXTS))
@pytest.mark.parametrize("field", ["title", "main_concern", "social_context", "question_3"])
def test_save_case_draft_with_an_identifier_in_a_text_field_stores_nothing(program, presenter, field, kind):
    with pytest.raises(ValidationError) as caught:
        _save(presenter, program, **{field: IDENTIFYING_TEXTS[kind]})

    assert list(caught.value.error_dict) == [field]
    assert [e.code for e in caught.value.error_dict[field]] == [f"identifier_{kind}"]
    assert (Case.objects.count(), Medication.objects.count()) == (0, 0)


@pytest.mark.parametrize("kind", list(IDENTIFYING_TEXTS))
@pytest.mark.parametrize("part", ["drug_other", "schedule"])
def test_save_case_draft_with_an_identifier_in_a_medication_stores_nothing(program, presenter, part, kind):
    row = dataclasses.replace(PREGABALIN, **{part: IDENTIFYING_TEXTS[kind]})

    with pytest.raises(ValidationError) as caught:
        _save(presenter, program, medications=[OXYCODONE, row])

    assert list(caught.value.error_dict) == [f"medications-1-{part}"]
    assert (Case.objects.count(), Medication.objects.count()) == (0, 0)


def test_save_case_draft_with_a_bidi_override_in_the_title_stores_nothing(program, presenter):
    with pytest.raises(ValidationError) as caught:
        _save(presenter, program, title="Tapering \u202eenodocyxo")

    assert caught.value.message_dict == {
        "title": [
            "This text holds an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE), which can "
            "reverse or hide letters where it is shown or printed. Retype it without it."
        ]
    }
    assert (Case.objects.count(), Medication.objects.count()) == (0, 0)


def test_save_case_draft_refused_for_an_existing_draft_keeps_what_was_stored(program, presenter):
    case = _save(presenter, program)

    with pytest.raises(ValidationError):
        _save(
            presenter, program, case=case, medications=[], main_concern="Mrs. Tremblay asks about tapering."
        )

    case.refresh_from_db()
    assert case.main_concern == CASE_FIELDS["main_concern"]
    assert list(case.medications.values_list("drug", flat=True)) == ["oxycodone", "other"]


@pytest.mark.parametrize(
    "status", [Case.Status.SUBMITTED, Case.Status.SCHEDULED, Case.Status.PRESENTED, Case.Status.LETTER_SENT]
)
def test_save_case_draft_of_a_case_with_the_hub_is_refused(program, presenter, status):
    case = CaseFactory(program=program, presenter=presenter, status=status, title="Knee osteoarthritis")
    MedicationFactory(case=case)

    with pytest.raises(ValidationError) as caught:
        _save(presenter, program, case=case, title="Changed after submission")

    assert caught.value.messages == ["This case can no longer be edited: it is with the hub."]
    case.refresh_from_db()
    assert (case.title, case.status) == ("Knee osteoarthritis", status)
    assert list(case.medications.values_list("drug", "daily_dose")) == [("oxycodone", Decimal("120.00"))]


def test_save_case_draft_of_a_returned_case_is_allowed(program, presenter):
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.RETURNED)

    _save(presenter, program, case=case, title="Tapering oxycodone, lorazepam dose added")

    case.refresh_from_db()
    assert (case.title, case.status) == ("Tapering oxycodone, lorazepam dose added", Case.Status.RETURNED)


def test_save_case_draft_refuses_a_session_of_another_program(program, presenter, other_session):
    with pytest.raises(ValidationError) as caught:
        _save(presenter, program, requested_session=other_session)

    assert caught.value.message_dict == {"requested_session": ["Choose an upcoming session of this program."]}
    assert Case.objects.count() == 0


# submission


def test_submit_case_sets_submitted_at_records_an_event_and_emails_once(
    draft_case, presenter, django_capture_on_commit_callbacks
):
    before = timezone.now()

    case = _submit(draft_case, presenter, django_capture_on_commit_callbacks)

    draft_case.refresh_from_db()
    assert draft_case.status == Case.Status.SUBMITTED
    assert before <= draft_case.submitted_at <= timezone.now()
    assert case.submitted_at == draft_case.submitted_at
    assert list(draft_case.events.values_list("kind", "actor")) == [(CaseEvent.Kind.SUBMITTED, presenter.pk)]
    assert _mails() == [(["presenter@example.org"], f"We received your case #{draft_case.pk}")]


def test_submit_case_twice_changes_nothing_the_second_time(
    draft_case, presenter, django_capture_on_commit_callbacks
):
    first = _submit(draft_case, presenter, django_capture_on_commit_callbacks)

    second = _submit(draft_case, presenter, django_capture_on_commit_callbacks)

    assert (second.status, second.submitted_at) == (Case.Status.SUBMITTED, first.submitted_at)
    assert draft_case.events.count() == 1
    assert len(mail.outbox) == 1


def test_submit_case_lists_every_missing_field_and_the_attestation(
    program, presenter, django_capture_on_commit_callbacks
):
    case = services.save_case_draft(
        presenter=presenter, program=program, fields={"title": ""}, medications=[]
    )

    with pytest.raises(ValidationError) as caught:
        _submit(case, presenter, django_capture_on_commit_callbacks)

    assert caught.value.message_dict == {
        "title": ["Required before you submit."],
        "age_band": ["Required before you submit."],
        "sex_gender": ["Required before you submit."],
        "main_concern": ["Required before you submit."],
        "consent": ["Required before you submit."],
        "question_1": ["Required before you submit."],
        "attested_deidentified": ["Confirm that the case holds no patient identifiers."],
    }
    case.refresh_from_db()
    assert (case.status, case.submitted_at, case.events.count(), mail.outbox) == (
        Case.Status.DRAFT,
        None,
        0,
        [],
    )


def test_submit_case_without_the_attestation_is_refused(
    program, presenter, django_capture_on_commit_callbacks
):
    case = _save(presenter, program, attested_deidentified=False)

    with pytest.raises(ValidationError) as caught:
        _submit(case, presenter, django_capture_on_commit_callbacks)

    assert caught.value.message_dict == {
        "attested_deidentified": ["Confirm that the case holds no patient identifiers."]
    }
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT


@pytest.mark.parametrize("status", [Case.Status.SCHEDULED, Case.Status.PRESENTED, Case.Status.LETTER_SENT])
def test_submit_case_with_the_hub_is_refused(program, presenter, status):
    case = CaseFactory(program=program, presenter=presenter, status=status)

    with pytest.raises(ValidationError) as caught:
        services.submit_case(case=case, by=presenter)

    assert caught.value.messages == ["Only a draft or a returned case can be submitted."]
    case.refresh_from_db()
    assert case.status == status


# return


def test_return_case_moves_it_to_returned_with_the_comment_event_and_email(
    submitted_case, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.return_case(
            case=submitted_case, by=coordinator, comment="  Please add the lorazepam dose.  "
        )

    submitted_case.refresh_from_db()
    assert (submitted_case.status, submitted_case.return_comment) == (
        Case.Status.RETURNED,
        "Please add the lorazepam dose.",
    )
    assert _events(submitted_case) == [(CaseEvent.Kind.RETURNED, "Please add the lorazepam dose.")]
    assert submitted_case.events.get().actor == coordinator
    assert _mails() == [(["presenter@example.org"], f"Your case #{submitted_case.pk} needs a change")]
    # The comment stays on the case page: emails carry no case text.
    assert "lorazepam" not in mail.outbox[0].body
    assert "lorazepam" not in mail.outbox[0].alternatives[0][0]


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_return_case_without_a_comment_is_refused(submitted_case, coordinator, comment):
    with pytest.raises(ValidationError) as caught:
        services.return_case(case=submitted_case, by=coordinator, comment=comment)

    assert caught.value.message_dict == {"comment": ["Tell the presenter what to change."]}
    submitted_case.refresh_from_db()
    assert submitted_case.status == Case.Status.SUBMITTED


def test_return_case_with_an_identifier_in_the_comment_is_refused(submitted_case, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.return_case(case=submitted_case, by=coordinator, comment="Remove Mrs. Tremblay's name.")

    assert list(caught.value.error_dict) == ["comment"]
    submitted_case.refresh_from_db()
    assert (submitted_case.status, submitted_case.return_comment) == (Case.Status.SUBMITTED, "")
    assert submitted_case.events.count() == 0


@pytest.mark.parametrize(
    "status", [Case.Status.DRAFT, Case.Status.RETURNED, Case.Status.SCHEDULED, Case.Status.LETTER_SENT]
)
def test_return_case_only_from_submitted(program, presenter, coordinator, status):
    case = CaseFactory(program=program, presenter=presenter, status=status)

    with pytest.raises(ValidationError) as caught:
        services.return_case(case=case, by=coordinator, comment="Please add the lorazepam dose.")

    assert caught.value.messages == ["Only a submitted case can be returned."]
    case.refresh_from_db()
    assert (case.status, case.return_comment) == (status, "")


def test_resubmission_after_return_goes_back_to_the_queue(
    draft_case, presenter, coordinator, django_capture_on_commit_callbacks, time_machine
):
    first = _submit(draft_case, presenter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_case(case=draft_case, by=coordinator, comment="Please add the lorazepam dose.")
    draft_case.refresh_from_db()
    _save(presenter, draft_case.program, case=draft_case, title="Neuropathic foot pain, lorazepam dose added")
    # The "received" email is keyed by the second of submission; a real resubmission comes later.
    later = timezone.now() + timedelta(minutes=5)
    time_machine.move_to(later, tick=False)

    again = _submit(draft_case, presenter, django_capture_on_commit_callbacks)

    assert (again.status, again.submitted_at) == (Case.Status.SUBMITTED, later)
    assert again.submitted_at > first.submitted_at
    assert [kind for kind, _ in _events(draft_case)] == [
        CaseEvent.Kind.SUBMITTED,
        CaseEvent.Kind.RETURNED,
        CaseEvent.Kind.SUBMITTED,
    ]
    assert [subject for _, subject in _mails()] == [
        f"We received your case #{draft_case.pk}",
        f"Your case #{draft_case.pk} needs a change",
        f"We received your case #{draft_case.pk}",
    ]


# scheduling


def test_assign_case_to_session_takes_the_next_position_and_emails_the_join_link(
    program, presenter, coordinator, session, django_capture_on_commit_callbacks
):
    cases = [
        CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED) for _ in range(3)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        slots = [services.assign_case_to_session(case=c, session=session, by=coordinator) for c in cases]

    assert [(s.case, s.session, s.position, s.assigned_by) for s in slots] == [
        (c, session, i, coordinator) for i, c in enumerate(cases, start=1)
    ]
    cases[0].refresh_from_db()
    assert cases[0].status == Case.Status.SCHEDULED
    assert _events(cases[0]) == [(CaseEvent.Kind.SCREENED, ""), (CaseEvent.Kind.SCHEDULED, "Session 1")]
    assert _mails() == [(["presenter@example.org"], "Your case is on the agenda: Session 1")] * 3
    assert "Join link: https://video.example.org/join/123" in mail.outbox[0].body


@pytest.mark.parametrize("case_slots", [1, 2, 3])
def test_assign_case_to_a_full_session_is_refused(program, presenter, coordinator, case_slots):
    session = SessionFactory(program=program, title="Session 4", case_slots=case_slots)
    for _ in range(case_slots):
        CaseSlotFactory(session=session, case=CaseFactory(program=program, status=Case.Status.SCHEDULED))
    case = CaseFactory(program=program, presenter=presenter, status=Case.Status.SUBMITTED)

    with pytest.raises(ValidationError) as caught:
        services.assign_case_to_session(case=case, session=session, by=coordinator)

    assert caught.value.messages == [f"Session 4 has no free case slot ({case_slots} of {case_slots} taken)."]
    case.refresh_from_db()
    assert (case.status, CaseSlot.objects.filter(session=session).count()) == (
        Case.Status.SUBMITTED,
        case_slots,
    )
    assert case.events.count() == 0


@pytest.mark.parametrize(
    "status", [Case.Status.DRAFT, Case.Status.RETURNED, Case.Status.SCHEDULED, Case.Status.PRESENTED]
)
def test_assign_case_to_session_only_takes_submitted_cases(program, presenter, coordinator, session, status):
    case = CaseFactory(program=program, presenter=presenter, status=status)

    with pytest.raises(ValidationError) as caught:
        services.assign_case_to_session(case=case, session=session, by=coordinator)

    assert caught.value.messages == ["Only a submitted case can be scheduled."]
    assert CaseSlot.objects.count() == 0


def test_assign_case_to_a_session_of_another_program_is_refused(submitted_case, coordinator, other_session):
    with pytest.raises(ValidationError) as caught:
        services.assign_case_to_session(case=submitted_case, session=other_session, by=coordinator)

    assert caught.value.messages == ["That session belongs to another program."]
    assert CaseSlot.objects.count() == 0


@pytest.mark.parametrize("when", ["past", "cancelled"])
def test_assign_case_to_a_past_or_cancelled_session_is_refused(submitted_case, coordinator, program, when):
    if when == "past":
        session = SessionFactory(program=program, starts_at=timezone.now() - timedelta(days=7))
    else:
        session = SessionFactory(program=program, status=Session.Status.CANCELLED)

    with pytest.raises(ValidationError) as caught:
        services.assign_case_to_session(case=submitted_case, session=session, by=coordinator)

    assert caught.value.messages == ["Choose an upcoming session that is not cancelled."]
    submitted_case.refresh_from_db()
    assert (submitted_case.status, CaseSlot.objects.count()) == (Case.Status.SUBMITTED, 0)


def test_mark_case_presented_moves_a_scheduled_case_once(session_held, scheduled_case, coordinator):
    services.mark_case_presented(case=scheduled_case, by=coordinator)
    services.mark_case_presented(case=scheduled_case, by=coordinator)

    scheduled_case.refresh_from_db()
    assert scheduled_case.status == Case.Status.PRESENTED
    assert list(scheduled_case.events.values_list("kind", "actor")) == [
        (CaseEvent.Kind.PRESENTED, coordinator.pk)
    ]


def test_mark_case_presented_of_a_submitted_case_is_refused(submitted_case, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.mark_case_presented(case=submitted_case, by=coordinator)

    assert caught.value.messages == ["Only a scheduled case can be marked as presented."]
    submitted_case.refresh_from_db()
    assert submitted_case.status == Case.Status.SUBMITTED


# recommendations


OPIOID_TEXT = "Taper oxycodone by 10% of the total daily dose every 2–4 weeks. Offer a naloxone kit now."
NON_PHARM_TEXT = "Graded walking programme with a weekly goal; consider online CBT for chronic pain."


def _recommendations(case) -> list[tuple]:
    return list(case.recommendations.order_by("pk").values_list("author", "heading", "text"))


@pytest.mark.parametrize("status", [Case.Status.SCHEDULED, Case.Status.PRESENTED])
def test_save_recommendations_stores_one_per_heading(scheduled_case, expert, status):
    Case.objects.filter(pk=scheduled_case.pk).update(status=status)
    scheduled_case.refresh_from_db()

    saved = services.save_recommendations(
        case=scheduled_case,
        author=expert,
        texts={"opioid": f"  {OPIOID_TEXT}  ", "non_pharm": NON_PHARM_TEXT, "referrals": ""},
    )

    assert [r.heading for r in saved] == ["opioid", "non_pharm"]
    assert _recommendations(scheduled_case) == [
        (expert.pk, "opioid", OPIOID_TEXT),
        (expert.pk, "non_pharm", NON_PHARM_TEXT),
    ]


def test_save_recommendations_again_updates_and_an_empty_text_deletes(scheduled_case, expert):
    other_expert = RecommendationFactory(case=scheduled_case, heading="opioid").author
    services.save_recommendations(
        case=scheduled_case, author=expert, texts={"opioid": OPIOID_TEXT, "non_pharm": NON_PHARM_TEXT}
    )

    services.save_recommendations(
        case=scheduled_case, author=expert, texts={"opioid": "", "non_pharm": "Graded walking programme."}
    )

    assert _recommendations(scheduled_case) == [
        (other_expert.pk, "opioid", OPIOID_TEXT),
        (expert.pk, "non_pharm", "Graded walking programme."),
    ]


@pytest.mark.parametrize(
    "status", [Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.RETURNED, Case.Status.LETTER_SENT]
)
def test_save_recommendations_outside_scheduled_or_presented_is_refused(program, expert, status):
    case = CaseFactory(program=program, status=status)

    with pytest.raises(ValidationError) as caught:
        services.save_recommendations(case=case, author=expert, texts={"opioid": OPIOID_TEXT})

    assert caught.value.messages == [
        "Recommendations can be written once the case is scheduled, until the letter is sent."
    ]
    assert Recommendation.objects.count() == 0


def test_save_recommendations_under_an_unknown_heading_is_refused(scheduled_case, expert):
    with pytest.raises(ValidationError) as caught:
        services.save_recommendations(
            case=scheduled_case, author=expert, texts={"opioid": OPIOID_TEXT, "prognosis": "Good."}
        )

    assert caught.value.messages == ["Unknown headings: prognosis."]
    assert Recommendation.objects.count() == 0


@pytest.mark.parametrize("kind", list(IDENTIFYING_TEXTS))
def test_save_recommendations_with_an_identifier_stores_nothing(scheduled_case, expert, kind):
    with pytest.raises(ValidationError) as caught:
        services.save_recommendations(
            case=scheduled_case,
            author=expert,
            texts={"opioid": OPIOID_TEXT, "referrals": f"Refer to pain clinic. {IDENTIFYING_TEXTS[kind]}"},
        )

    assert list(caught.value.error_dict) == ["referrals"]
    assert Recommendation.objects.count() == 0


# letters


@pytest.fixture
def recommended_case(scheduled_case, expert):
    MedicationFactory(case=scheduled_case)
    RecommendationFactory(case=scheduled_case, author=expert, heading="opioid", text=OPIOID_TEXT)
    RecommendationFactory(case=scheduled_case, author=expert, heading="non_pharm", text=NON_PHARM_TEXT)
    return scheduled_case


def test_finalize_recommendations_without_any_is_refused(scheduled_case, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.finalize_recommendations(case=scheduled_case, by=coordinator)

    assert caught.value.messages == ["There are no recommendations to send yet."]
    scheduled_case.refresh_from_db()
    assert (scheduled_case.status, RecommendationLetter.objects.count()) == (Case.Status.SCHEDULED, 0)


@pytest.mark.parametrize("status", [Case.Status.SUBMITTED, Case.Status.RETURNED])
def test_finalize_recommendations_before_scheduling_is_refused(program, coordinator, status):
    case = CaseFactory(program=program, status=status)
    RecommendationFactory(case=case)

    with pytest.raises(ValidationError) as caught:
        services.finalize_recommendations(case=case, by=coordinator)

    assert caught.value.messages == ["Only a scheduled or presented case can be finalized."]
    assert RecommendationLetter.objects.count() == 0


def test_finalize_recommendations_renders_the_letter_once_and_emails_the_presenter(
    session_held, recommended_case, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.finalize_recommendations(case=recommended_case, by=coordinator)

    letter.refresh_from_db()
    recommended_case.refresh_from_db()
    data = letter.file.read()
    letter.file.close()
    assert (letter.status, letter.finalized_by, letter.last_error) == (
        RecommendationLetter.Status.READY,
        coordinator,
        "",
    )
    assert letter.file.name == f"letters/case-{recommended_case.pk}-recommendations.pdf"
    assert data.startswith(b"%PDF-")
    assert letter.sha256 == hashlib.sha256(data).hexdigest()
    assert letter.rendered_at is not None
    assert recommended_case.status == Case.Status.LETTER_SENT
    assert [kind for kind, _ in _events(recommended_case)] == [
        CaseEvent.Kind.PRESENTED,
        CaseEvent.Kind.LETTER_SENT,
    ]
    assert _mails() == [
        (["presenter@example.org"], f"Recommendations for your case #{recommended_case.pk} are ready")
    ]


def test_finalize_recommendations_twice_keeps_one_letter(
    session_held, recommended_case, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.finalize_recommendations(case=recommended_case, by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        second = services.finalize_recommendations(case=recommended_case, by=coordinator)

    assert second.pk == first.pk
    assert RecommendationLetter.objects.count() == 1
    assert recommended_case.events.filter(kind=CaseEvent.Kind.LETTER_SENT).count() == 1
    assert len(mail.outbox) == 1


def test_render_letter_again_does_not_render_again(
    session_held, recommended_case, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.finalize_recommendations(case=recommended_case, by=coordinator)
    letter.refresh_from_db()
    with letter.file.open("rb") as f:
        data = f.read()
    rendered_at = letter.rendered_at

    with django_capture_on_commit_callbacks(execute=True):
        rendered = services.render_letter(letter_id=letter.pk)

    letter.refresh_from_db()
    with letter.file.open("rb") as f:
        assert f.read() == data
    assert rendered is False
    assert (letter.sha256, letter.rendered_at) == (hashlib.sha256(data).hexdigest(), rendered_at)
    assert len(mail.outbox) == 1


def test_finalize_recommendations_of_a_presented_case_records_no_second_presented_event(
    session_held, recommended_case, coordinator, django_capture_on_commit_callbacks
):
    services.mark_case_presented(case=recommended_case, by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        services.finalize_recommendations(case=recommended_case, by=coordinator)

    assert [kind for kind, _ in _events(recommended_case)] == [
        CaseEvent.Kind.PRESENTED,
        CaseEvent.Kind.LETTER_SENT,
    ]


# follow-ups


FOLLOW_UP = {
    "what_changed": "Switched to buprenorphine six weeks later; walking further.",
    "pain_change": "pain 8/10 → 6/10",
    "function_change": "Walks to the end of the road",
    "recommendations_acted_on": "Taper, naloxone kit",
}
BUPRENORPHINE = MedicationRow(drug="buprenorphine", daily_dose=Decimal("8"), schedule="8 mg SL daily")
TAPERED = MedicationRow(drug="oxycodone", daily_dose=Decimal("60"), schedule="30 mg CR q12h")


@pytest.fixture
def letter_sent_case(program, presenter):
    case = CaseFactory(
        program=program,
        presenter=presenter,
        status=Case.Status.LETTER_SENT,
        title="Low back pain on oxycodone",
    )
    MedicationFactory(case=case)
    return case


def test_add_follow_up_stores_its_medications_apart_from_the_case(letter_sent_case, presenter):
    follow_up = services.add_follow_up(
        case=letter_sent_case, author=presenter, fields=FOLLOW_UP, medications=[TAPERED, BUPRENORPHINE]
    )

    follow_up.refresh_from_db()
    assert {name: getattr(follow_up, name) for name in FOLLOW_UP} == FOLLOW_UP
    assert (follow_up.case, follow_up.author) == (letter_sent_case, presenter)
    assert list(letter_sent_case.medications.filter(follow_up=None).values_list("drug", "mme")) == [
        ("oxycodone", Decimal("180.0"))
    ]
    assert list(follow_up.medications.values_list("case", "drug", "mme")) == [
        (letter_sent_case.pk, "oxycodone", Decimal("90.0")),
        (letter_sent_case.pk, "buprenorphine", None),
    ]
    assert _events(letter_sent_case) == [(CaseEvent.Kind.FOLLOW_UP, "")]
    assert Case.objects.count() == 1


def test_add_follow_up_with_present_again_queues_a_linked_case(letter_sent_case, presenter):
    services.add_follow_up(
        case=letter_sent_case,
        author=presenter,
        fields=FOLLOW_UP,
        medications=[TAPERED],
        present_again=True,
    )

    again = Case.objects.get(follow_up_of=letter_sent_case)
    assert (again.status, again.presenter, again.program, again.title) == (
        Case.Status.SUBMITTED,
        presenter,
        letter_sent_case.program,
        "Follow-up: Low back pain on oxycodone",
    )
    assert again.submitted_at is not None
    assert again.main_concern == (
        f"{FOLLOW_UP['what_changed']}\n\nOriginal concern: {letter_sent_case.main_concern}"
    )
    assert again.question_1 == letter_sent_case.question_1
    assert list(again.medications.values_list("drug", "mme", "follow_up")) == [
        ("oxycodone", Decimal("90.0"), None)
    ]
    assert _events(again) == [(CaseEvent.Kind.SUBMITTED, "Follow-up presentation")]
    assert _events(letter_sent_case) == [(CaseEvent.Kind.FOLLOW_UP, ""), (CaseEvent.Kind.RE_PRESENTATION, "")]
    letter_sent_case.refresh_from_db()
    assert letter_sent_case.status == Case.Status.LETTER_SENT


def test_add_follow_up_by_someone_else_is_refused(letter_sent_case, expert):
    with pytest.raises(ValidationError) as caught:
        services.add_follow_up(case=letter_sent_case, author=expert, fields=FOLLOW_UP, medications=[])

    assert caught.value.messages == ["Only the presenter reports follow-ups."]
    assert FollowUp.objects.count() == 0


@pytest.mark.parametrize("status", [Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.RETURNED])
def test_add_follow_up_before_presentation_is_refused(program, presenter, status):
    case = CaseFactory(program=program, presenter=presenter, status=status)

    with pytest.raises(ValidationError) as caught:
        services.add_follow_up(case=case, author=presenter, fields=FOLLOW_UP, medications=[])

    assert caught.value.messages == ["Follow-ups can be reported once the case has been presented."]
    assert FollowUp.objects.count() == 0


@pytest.mark.parametrize("kind", list(IDENTIFYING_TEXTS))
def test_add_follow_up_with_an_identifier_stores_nothing(letter_sent_case, presenter, kind):
    with pytest.raises(ValidationError) as caught:
        services.add_follow_up(
            case=letter_sent_case,
            author=presenter,
            fields=FOLLOW_UP | {"function_change": IDENTIFYING_TEXTS[kind]},
            medications=[TAPERED],
            present_again=True,
        )

    assert list(caught.value.error_dict) == ["function_change"]
    assert (FollowUp.objects.count(), Case.objects.count(), Medication.objects.count()) == (0, 1, 1)


# MME


def test_total_mme_sums_the_known_values():
    medications = [
        Medication(drug="oxycodone", daily_dose=Decimal("120"), mme=Decimal("180.0")),
        Medication(drug="hydromorphone", daily_dose=Decimal("16"), mme=Decimal("80.0")),
        Medication(drug="buprenorphine", daily_dose=Decimal("8"), mme=None),
    ]

    assert services.total_mme(medications) == Decimal("260.0")


@pytest.mark.parametrize(
    "medications", [[], [Medication(drug="buprenorphine", daily_dose=Decimal("8"), mme=None)]]
)
def test_total_mme_without_any_known_value_is_none(medications):
    assert services.total_mme(medications) is None
