from decimal import Decimal

import pytest

from cpd.credits import (
    ATTENDANCE_HOURS,
    CreditResult,
    CreditRule,
    credit_amount,
    credit_phrase,
    format_amount,
    session_credits,
)


def _credits(
    attended_minutes: int,
    *,
    session_minutes: int = 120,
    threshold_percent: int = 75,
    credits_per_hour: str = "1.00",
    rounding_step: str = "0.25",
    max_per_session: str | None = None,
    evaluation_required: bool = True,
    evaluation_done: bool = True,
) -> CreditResult:
    return session_credits(
        attended_minutes=attended_minutes,
        session_minutes=session_minutes,
        threshold_percent=threshold_percent,
        rule=CreditRule(
            credits_per_hour=Decimal(credits_per_hour),
            rounding_step=Decimal(rounding_step),
            max_per_session=Decimal(max_per_session) if max_per_session else None,
        ),
        evaluation_required=evaluation_required,
        evaluation_done=evaluation_done,
    )


def test_session_credits_one_minute_below_the_threshold_is_not_eligible():
    result = _credits(89)

    assert result == CreditResult(
        eligible=False,
        credits=Decimal("0.00"),
        counted_minutes=89,
        missing=["Attendance: 89 of the 90 minutes needed"],
    )


def test_session_credits_exactly_at_the_threshold_earns_six_quarter_hours():
    result = _credits(90)

    assert result == CreditResult(eligible=True, credits=Decimal("1.50"), counted_minutes=90, missing=[])


def test_session_credits_for_the_whole_session_earn_two_credits():
    result = _credits(120)

    assert result == CreditResult(eligible=True, credits=Decimal("2.00"), counted_minutes=120, missing=[])


def test_session_credits_cap_attended_minutes_at_the_session_length():
    result = _credits(150)

    assert result == CreditResult(eligible=True, credits=Decimal("2.00"), counted_minutes=120, missing=[])


@pytest.mark.parametrize(
    ("attended", "credits"),
    [(90, "1.50"), (97, "1.50"), (104, "1.50"), (105, "1.75"), (112, "1.75"), (119, "1.75")],
)
def test_session_credits_ignore_a_remainder_below_a_quarter_hour(attended, credits):
    result = _credits(attended)

    assert (result.eligible, result.credits, result.counted_minutes) == (True, Decimal(credits), attended)


@pytest.mark.parametrize(
    ("attended", "credits"), [(90, "2.25"), (97, "2.25"), (105, "2.50"), (120, "3.00"), (150, "3.00")]
)
def test_session_credits_multiply_quarter_hours_by_credits_per_hour(attended, credits):
    result = _credits(attended, credits_per_hour="1.50")

    assert (result.eligible, result.credits) == (True, Decimal(credits))


def test_session_credits_without_the_required_evaluation_are_not_eligible():
    result = _credits(120, evaluation_done=False)

    assert result == CreditResult(
        eligible=False, credits=Decimal("0.00"), counted_minutes=120, missing=["Evaluation not filled"]
    )


def test_session_credits_without_an_evaluation_count_when_it_is_not_required():
    result = _credits(120, evaluation_required=False, evaluation_done=False)

    assert result == CreditResult(eligible=True, credits=Decimal("2.00"), counted_minutes=120, missing=[])


def test_session_credits_list_every_missing_requirement_in_order():
    result = _credits(30, evaluation_done=False)

    assert result == CreditResult(
        eligible=False,
        credits=Decimal("0.00"),
        counted_minutes=30,
        missing=["Attendance: 30 of the 90 minutes needed", "Evaluation not filled"],
    )


def test_session_credits_round_the_minutes_needed_up():
    # 75% of 50 minutes is 37.5: 37 minutes fall short.
    short = _credits(37, session_minutes=50)
    enough = _credits(38, session_minutes=50)

    assert short.missing == ["Attendance: 37 of the 38 minutes needed"]
    assert (enough.eligible, enough.credits, enough.missing) == (True, Decimal("0.50"), [])


def test_session_credits_with_a_full_attendance_threshold_need_every_minute():
    result = _credits(119, threshold_percent=100)

    assert result.missing == ["Attendance: 119 of the 120 minutes needed"]
    assert result.eligible is False


def test_session_credits_count_no_attendance_as_zero_minutes():
    result = _credits(0)

    assert result == CreditResult(
        eligible=False,
        credits=Decimal("0.00"),
        counted_minutes=0,
        missing=["Attendance: 0 of the 90 minutes needed"],
    )


def test_session_credits_treat_negative_minutes_as_zero():
    result = _credits(-5)

    assert (result.counted_minutes, result.missing) == (0, ["Attendance: 0 of the 90 minutes needed"])


def test_session_credits_of_75_minutes_at_one_and_a_half_an_hour_are_1_75_not_1_87():
    result = _credits(75, session_minutes=90, credits_per_hour="1.50")

    assert (result.eligible, result.credits) == (True, Decimal("1.75"))


def test_session_credits_never_exceed_the_certified_maximum():
    result = _credits(120, credits_per_hour="1.50", max_per_session="1.50")

    assert (result.eligible, result.credits) == (True, Decimal("1.50"))


def test_session_credits_under_a_maximum_off_the_step_stay_a_whole_number_of_steps():
    result = _credits(120, credits_per_hour="1.00", max_per_session="1.30")

    assert result.credits == Decimal("1.25")


@pytest.mark.parametrize(
    ("minutes", "step", "credits"),
    [(100, "0.50", "1.50"), (100, "0.10", "1.60"), (100, "1.00", "1.00"), (59, "1.00", "0.00")],
)
def test_credit_amount_counts_down_to_whole_steps(minutes, step, credits):
    rule = CreditRule(credits_per_hour=Decimal("1.00"), rounding_step=Decimal(step))

    assert credit_amount(minutes=minutes, rule=rule) == Decimal(credits)


def test_credit_amount_of_hours_of_attendance_counts_quarter_hours():
    assert credit_amount(minutes=97, rule=ATTENDANCE_HOURS) == Decimal("1.50")


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1.75"), "1.75"), (Decimal("1.50"), "1.5"), (Decimal("2.00"), "2"), (Decimal("0.25"), "0.25")],
)
def test_format_amount_prints_the_amount_exactly_without_padding(value, text):
    assert format_amount(value) == text


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Mainpro+ Certified", "Mainpro+ Certified credits"),
        ("AMA PRA Category 1 Credit™", "AMA PRA Category 1 Credit™"),
        ("Certificate of attendance (hours)", "Certificate of attendance (hours)"),
        ("", "hours of attendance"),
    ],
)
def test_credit_phrase_names_the_unit_once(name, phrase):
    assert credit_phrase(name) == phrase


@pytest.mark.parametrize(
    ("attended", "evaluated", "session_minutes"),
    [(89, True, 120), (120, False, 120), (120, True, 120), (5, True, 6)],
)
def test_a_result_without_its_reasons_earns_exactly_what_the_explained_one_earns(
    attended, evaluated, session_minutes
):
    facts = {
        "attended_minutes": attended,
        "session_minutes": session_minutes,
        "threshold_percent": 75,
        "rule": CreditRule(credits_per_hour=Decimal("1")),
        "evaluation_required": True,
        "evaluation_done": evaluated,
    }

    explained, bare = session_credits(**facts), session_credits(**facts, explain=False)

    assert (bare.eligible, bare.credits, bare.counted_minutes, bare.short_of_attendance) == (
        explained.eligible,
        explained.credits,
        explained.counted_minutes,
        explained.short_of_attendance,
    )
    assert bare.missing == [] and (explained.missing == []) is explained.eligible
