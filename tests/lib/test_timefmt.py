from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from cpd.credits import credits_text, display_amount, format_amount
from echo_hub.lib import timefmt
from sessions.models import Weekday

TORONTO = ZoneInfo("America/Toronto")
# Thursday 14 January 2027, 12:00–14:00 in Toronto (EST).
START = datetime(2027, 1, 14, 17, 0, tzinfo=UTC)
END = datetime(2027, 1, 14, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en-ca", "Thu 14 Jan 2027, 12:00–14:00 EST"),
        ("fr-ca", "jeudi 14 janvier 2027, 12\xa0h\xa000 à 14\xa0h\xa000 EST"),
    ],
)
def test_session_time_reads_in_the_active_language_with_the_zone(language, text):
    with translation.override(language):
        assert timefmt.session_time(START, END, TORONTO) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en-ca", "Thu 1 Oct 2026, 23:00 – Fri 2 Oct 01:05 EDT"),
        ("fr-ca", "jeudi 1er octobre 2026, 23\xa0h\xa000 – vendredi 2 octobre, 1\xa0h\xa005 EDT"),
    ],
)
def test_a_session_past_midnight_names_both_days(language, text):
    start = datetime(2026, 10, 1, 23, 0, tzinfo=TORONTO)
    end = datetime(2026, 10, 2, 1, 5, tzinfo=TORONTO)
    with translation.override(language):
        assert timefmt.session_time(start, end, TORONTO) == text


@pytest.mark.parametrize(
    ("language", "moment", "short", "long", "long_day"),
    [
        ("en-ca", "Thu 14 Jan 2027, 12:00 EST", "21 Jul 2026", "1 October 2026", "Thursday 14 January 2027"),
        (
            "fr-ca",
            "jeudi 14 janvier 2027, 12\xa0h\xa000 EST",
            "21 juil. 2026",
            "1er octobre 2026",
            "jeudi 14 janvier 2027",
        ),
    ],
)
def test_dates_read_in_the_active_language(language, moment, short, long, long_day):
    with translation.override(language):
        assert timefmt.date_time(START, TORONTO) == moment
        assert timefmt.short_date(date(2026, 7, 21)) == short
        assert timefmt.long_date(date(2026, 10, 1)) == long
        assert timefmt.long_date(START, TORONTO, weekday=True) == long_day


@pytest.mark.parametrize(
    ("amount", "name", "english", "french"),
    [
        ("1.75", "", "1.75 hours of attendance", "1,75 heure de présence"),
        ("1.00", "", "1 hour of attendance", "1 heure de présence"),
        ("0.50", "Mainpro+ Certified", "0.5 Mainpro+ Certified credits", "0,5 crédit Mainpro+ Certified"),
        ("1.75", "Mainpro+ Certified", "1.75 Mainpro+ Certified credits", "1,75 crédit Mainpro+ Certified"),
        ("1.00", "Mainpro+ Certified", "1 Mainpro+ Certified credit", "1 crédit Mainpro+ Certified"),
        ("2.00", "Mainpro+ Certified", "2 Mainpro+ Certified credits", "2 crédits Mainpro+ Certified"),
        (
            "12.25",
            "Mainpro+ Certified",
            "12.25 Mainpro+ Certified credits",
            "12,25 crédits Mainpro+ Certified",
        ),
        (
            "3.50",
            "AMA PRA Category 1 Credit™",
            "3.5 AMA PRA Category 1 Credit™",
            "3,5 AMA PRA Category 1 Credit™",
        ),
    ],
)
def test_credits_read_exactly_with_the_languages_decimal_mark_and_number(amount, name, english, french):
    with translation.override("en-ca"):
        assert credits_text(Decimal(amount), name) == english
    with translation.override("fr-ca"):
        assert credits_text(Decimal(amount), name) == french


def test_an_amount_is_exact_for_people_and_machines_in_both_languages():
    # 0.1 + 0.2 would print 0.30000000000000004 through a float.
    amount = Decimal("0.10") + Decimal("0.20")
    with translation.override("fr-ca"):
        assert display_amount(amount) == "0,3"
        assert format_amount(amount) == "0.3"
    with translation.override("en-ca"):
        assert display_amount(amount) == "0.3"


def test_weekday_choices_are_translated():
    with translation.override("fr-ca"):
        assert str(Weekday.THURSDAY.label) == "jeudi"
    with translation.override("en-ca"):
        assert str(Weekday.THURSDAY.label) == "Thursday"


def test_one_instant_reads_in_each_zone_and_language_however_often_it_is_read():
    noon = datetime(2027, 1, 14, 17, 0, tzinfo=UTC)
    toronto, vancouver = ZoneInfo("America/Toronto"), ZoneInfo("America/Vancouver")

    read = []
    for _ in range(2):
        for language in ("en-ca", "fr-ca"):
            with translation.override(language):
                read += [timefmt.date_time(noon, toronto), timefmt.date_time(noon, vancouver)]

    assert read[:4] == [
        "Thu 14 Jan 2027, 12:00 EST",
        "Thu 14 Jan 2027, 09:00 PST",
        "jeudi 14 janvier 2027, 12\xa0h\xa000 EST",
        "jeudi 14 janvier 2027, 9\xa0h\xa000 PST",
    ]
    assert read[4:] == read[:4]
    # Without a zone: the active one's, whichever was read before.
    for zone, text in [(vancouver, "Thu 14 Jan 2027, 09:00 PST"), (toronto, "Thu 14 Jan 2027, 12:00 EST")]:
        with timezone.override(zone), translation.override("en-ca"):
            assert timefmt.date_time(noon) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [(None, "1 March 2026"), ("en-us", "1 March 2026"), ("fr", "1er mars 2026"), ("fr-ca", "1er mars 2026")],
)
def test_dates_read_with_the_nearest_of_our_patterns_whatever_language_is_active(language, text):
    # A worker renders with no language active unless told; a browser may ask for "fr".
    translation.deactivate_all() if language is None else translation.activate(language)

    assert timefmt.long_date(date(2026, 3, 1)) == text
