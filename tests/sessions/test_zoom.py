import codecs
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from sessions.zoom import ZoomPerson, ZoomReport, decode_report, parse_zoom_report

SAMPLES = Path(__file__).parent / "zoom_samples"
TORONTO = ZoneInfo("America/Toronto")
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room\n"
NOT_CSV_HINT = "Export the participants report from Zoom as CSV and upload that file."


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _parse(text: str, **kwargs) -> ZoomReport:
    return parse_zoom_report(text, zone=TORONTO, **kwargs)


def _messages(text: str, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _parse(text, **kwargs)
    return caught.value.messages


def _decode_messages(data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        decode_report(data)
    return caught.value.messages


def _row(
    join: str = "11/25/2026 12:00:00 PM", leave: str = "11/25/2026 01:30:00 PM", minutes: str = "90"
) -> str:
    return f"Ravi Singh,r.singh@example.org,{join},{leave},{minutes},No,No\n"


def test_parse_zoom_report_reads_a_newer_export_with_summary_block():
    text = decode_report((SAMPLES / "participants_with_summary.csv").read_bytes())

    report = _parse(text)

    assert report == ZoomReport(
        people=[
            ZoomPerson(
                key="email:echo.hub@example.org",
                name="ECHO Hub Host",
                email="echo.hub@example.org",
                minutes=102,
                lines=[5],
                first_joined_at=_utc(2026, 11, 25, 16, 52, 40),
                last_left_at=_utc(2026, 11, 25, 18, 34, 12),
                intervals=[(_utc(2026, 11, 25, 16, 52, 40), _utc(2026, 11, 25, 18, 34, 12))],
            ),
            ZoomPerson(
                key="email:m.tremblay@example.org",
                name="Dr. Marie Tremblay (Manitoulin FHT)",
                email="m.tremblay@example.org",
                minutes=89,
                lines=[6, 10, 13],
                first_joined_at=_utc(2026, 11, 25, 16, 58, 3),
                last_left_at=_utc(2026, 11, 25, 18, 30, 30),
                intervals=[
                    (_utc(2026, 11, 25, 16, 58, 3), _utc(2026, 11, 25, 17, 31, 45)),
                    (_utc(2026, 11, 25, 17, 33, 20), _utc(2026, 11, 25, 17, 58)),
                    (_utc(2026, 11, 25, 18, 1, 15), _utc(2026, 11, 25, 18, 30, 30)),
                ],
            ),
            ZoomPerson(
                key="email:r.singh@example.org",
                name="Ravi Singh",
                email="r.singh@example.org",
                minutes=86,
                lines=[7, 12],
                first_joined_at=_utc(2026, 11, 25, 17, 0, 10),
                last_left_at=_utc(2026, 11, 25, 18, 30, 2),
                intervals=[
                    (_utc(2026, 11, 25, 17, 0, 10), _utc(2026, 11, 25, 17, 40, 2)),
                    (_utc(2026, 11, 25, 17, 44, 51), _utc(2026, 11, 25, 18, 30, 2)),
                ],
            ),
            ZoomPerson(
                key="name:louise gagnon - hearst chc",
                name="Louise Gagnon - Hearst CHC",
                email="",
                minutes=88,
                lines=[9],
                first_joined_at=_utc(2026, 11, 25, 17, 2, 30),
                last_left_at=_utc(2026, 11, 25, 18, 29, 40),
                intervals=[(_utc(2026, 11, 25, 17, 2, 30), _utc(2026, 11, 25, 18, 29, 40))],
            ),
            ZoomPerson(
                key="email:c.okafor@example.org",
                name="Okafor, Chidi",
                email="c.okafor@example.org",
                minutes=70,
                lines=[11],
                first_joined_at=_utc(2026, 11, 25, 17, 5),
                last_left_at=_utc(2026, 11, 25, 18, 15),
                intervals=[(_utc(2026, 11, 25, 17, 5), _utc(2026, 11, 25, 18, 15))],
            ),
            ZoomPerson(
                key="email:p.nair@example.org",
                name="Priya N (Priya Nair)",
                email="p.nair@example.org",
                minutes=80,
                lines=[14],
                first_joined_at=_utc(2026, 11, 25, 17, 10, 42),
                last_left_at=_utc(2026, 11, 25, 18, 30),
                intervals=[(_utc(2026, 11, 25, 17, 10, 42), _utc(2026, 11, 25, 18, 30))],
            ),
        ],
        meeting_topic="ECHO Ontario – Chronic Pain & Opioid Stewardship",
        meeting_id="81234567890",
        row_count=10,
    )
    assert report.people[1].first_joined_at.tzinfo == UTC


def test_parse_zoom_report_reads_an_older_total_duration_export_without_times():
    text = decode_report((SAMPLES / "participants_total_duration.csv").read_bytes())

    report = _parse(text)

    assert report == ZoomReport(
        people=[
            ZoomPerson(
                key="email:echo.hub@example.org",
                name="ECHO Hub Host",
                email="echo.hub@example.org",
                minutes=96,
                lines=[2],
            ),
            ZoomPerson(
                key="email:m.tremblay@example.org",
                name="Dr. Marie Tremblay (Manitoulin FHT)",
                email="m.tremblay@example.org",
                minutes=88,
                lines=[3],
            ),
            ZoomPerson(key="name:louise gagnon", name="Louise Gagnon", email="", minutes=87, lines=[4, 6]),
            ZoomPerson(
                key="email:t.whitehorse@example.org",
                name="Tom Whitehorse",
                email="t.whitehorse@example.org",
                minutes=91,
                lines=[5],
            ),
        ],
        meeting_topic="",
        meeting_id="",
        row_count=5,
        untimed_lines=[2, 3, 4, 5, 6],
    )


def test_parse_zoom_report_reads_participant_and_email_columns_separated_by_semicolons():
    text = (
        "Participant;Email;Join time;Leave time;Duration (minutes)\n"
        "Tremblay, Marie;M.Tremblay@example.org;2026-11-25 11:58:03;2026-11-25 13:30:00;92\n"
    )

    report = _parse(text)

    assert report.people == [
        ZoomPerson(
            key="email:m.tremblay@example.org",
            name="Tremblay, Marie",
            email="m.tremblay@example.org",
            minutes=92,
            lines=[2],
            first_joined_at=_utc(2026, 11, 25, 16, 58, 3),
            last_left_at=_utc(2026, 11, 25, 18, 30),
            intervals=[(_utc(2026, 11, 25, 16, 58, 3), _utc(2026, 11, 25, 18, 30))],
        )
    ]


def test_parse_zoom_report_reads_the_participant_columns_of_a_wide_export():
    text = (
        "Topic,ID,Host,User Email,Duration (minutes),Start time,End time,Participants,"
        "Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,In waiting room\n"
        "ECHO Ontario,812 3456 7890,ECHO Hub,echo.hub@example.org,102,11/25/2026 11:52 AM,11/25/2026 01:34 PM,2,"
        "Ravi Singh,r.singh@example.org,11/25/2026 12:00 PM,11/25/2026 01:30 PM,90,No,No\n"
    )

    report = _parse(text)

    assert report == ZoomReport(
        people=[
            ZoomPerson(
                key="email:r.singh@example.org",
                name="Ravi Singh",
                email="r.singh@example.org",
                minutes=90,
                lines=[2],
                first_joined_at=_utc(2026, 11, 25, 17),
                last_left_at=_utc(2026, 11, 25, 18, 30),
                intervals=[(_utc(2026, 11, 25, 17), _utc(2026, 11, 25, 18, 30))],
            )
        ],
        meeting_topic="ECHO Ontario",
        meeting_id="81234567890",
        row_count=1,
    )


def test_parse_zoom_report_matches_headers_in_any_case_and_spacing():
    text = "  name(original name) ,USER   EMAIL,Duration ( Minutes )\nRavi Singh,r.singh@example.org,45\n"

    report = _parse(text)

    assert report.people == [
        ZoomPerson(
            key="email:r.singh@example.org",
            name="Ravi Singh",
            email="r.singh@example.org",
            minutes=45,
            lines=[2],
        )
    ]


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_decode_report_reads_utf16_with_a_byte_order_mark(bom):
    text = (
        "Name (Original Name)\tUser Email\tJoin Time\tLeave Time\tDuration (Minutes)\tGuest\r\n"
        "Hélène Côté\th.cote@example.org\t11/25/2026 11:58:03 AM\t11/25/2026 01:30:00 PM\t92\tNo\r\n"
    )
    encoding = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"

    decoded = decode_report(bom + text.encode(encoding))

    assert decoded == text
    assert _parse(decoded).people == [
        ZoomPerson(
            key="email:h.cote@example.org",
            name="Hélène Côté",
            email="h.cote@example.org",
            minutes=92,
            lines=[2],
            first_joined_at=_utc(2026, 11, 25, 16, 58, 3),
            last_left_at=_utc(2026, 11, 25, 18, 30),
            intervals=[(_utc(2026, 11, 25, 16, 58, 3), _utc(2026, 11, 25, 18, 30))],
        )
    ]


def test_decode_report_reads_cp1252_saved_by_excel():
    text = "Name (Original Name),User Email,Total Duration (Minutes),Guest\r\nHélène Côté,,64,Yes\r\n"

    decoded = decode_report(text.encode("cp1252"))

    assert decoded == text
    assert _parse(decoded).people == [
        ZoomPerson(key="name:hélène côté", name="Hélène Côté", email="", minutes=64, lines=[2])
    ]


def test_decode_report_drops_a_utf8_byte_order_mark():
    text = "Name (Original Name),User Email,Total Duration (Minutes)\nJosée Hébert,,30\n"

    assert decode_report(codecs.BOM_UTF8 + text.encode("utf-8")) == text


def test_decode_report_refuses_a_file_over_2_mb():
    assert _decode_messages(b"a" * 2_000_001) == [
        "The file is larger than 2 MB. A Zoom participants export is far smaller; check that you picked the right file."
    ]


def test_decode_report_refuses_a_pdf():
    data = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )

    assert _decode_messages(data) == [f"The file is not a CSV export: it is a PDF document. {NOT_CSV_HINT}"]


def test_decode_report_refuses_an_excel_workbook():
    data = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml"

    assert _decode_messages(data) == [
        f"The file is not a CSV export: it is an Excel workbook or another zipped file. {NOT_CSV_HINT}"
    ]


def test_decode_report_refuses_nul_bytes_including_utf16_without_a_byte_order_mark():
    data = "Name (Original Name),Total Duration (Minutes)\nRavi Singh,45\n".encode("utf-16-le")

    assert _decode_messages(data) == [f"The file is not a CSV export: it holds binary data. {NOT_CSV_HINT}"]


def test_decode_report_refuses_bytes_that_are_not_text_in_any_encoding():
    assert _decode_messages(b"Name,Duration\n\x81\x8d\x90,12\n") == [
        f"The file is not a CSV export: it is not readable text. {NOT_CSV_HINT}"
    ]


def test_parse_zoom_report_refuses_a_file_without_a_duration_column():
    text = (
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
        "81234567890,ECHO Ontario,11/25/2026 11:52 AM,11/25/2026 01:34 PM,echo.hub@example.org,102,3\n"
        "\n"
        "Name (Original Name),User Email,Join Time,Leave Time,Guest\n"
        "Ravi Singh,r.singh@example.org,11/25/2026 12:00 PM,11/25/2026 01:30 PM,No\n"
    )

    assert _messages(text) == [
        "The participants table needs a duration column (“Duration (Minutes)” or “Total Duration (Minutes)”). "
        "Line 4 has the columns “Name (Original Name)”, “User Email”, “Join Time”, “Leave Time”, “Guest”. "
        f"{NOT_CSV_HINT}"
    ]


def test_parse_zoom_report_refuses_a_file_without_name_or_duration_columns():
    assert _messages("email,full_name,profession\nr.singh@example.org,Ravi Singh,Pharmacist\n") == [
        "The participants table needs a name column (“Name (Original Name)” or “Participant”) and "
        "a duration column (“Duration (Minutes)” or “Total Duration (Minutes)”). "
        f"Line 1 has the columns “email”, “full_name”, “profession”. {NOT_CSV_HINT}"
    ]


def test_parse_zoom_report_names_the_columns_of_a_semicolon_file_missing_one():
    assert _messages(
        ";;\nParticipant;Email;Join time\nRavi Singh;r.singh@example.org;2026-11-25 12:00\n"
    ) == [
        "The participants table needs a duration column (“Duration (Minutes)” or “Total Duration (Minutes)”). "
        f"Line 2 has the columns “Participant”, “Email”, “Join time”. {NOT_CSV_HINT}"
    ]


def test_parse_zoom_report_refuses_an_empty_file():
    assert _messages("\n \n") == [f"The file is empty. {NOT_CSV_HINT}"]


def test_parse_zoom_report_refuses_a_header_without_rows():
    assert _messages("\n" + HEADER + "\n") == ["The participants table (line 2) has no rows."]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_row(minutes="-5"), "Line 2: the duration “-5” is not a number of minutes between 0 and 1440."),
        (_row(minutes="abc"), "Line 2: the duration “abc” is not a number of minutes between 0 and 1440."),
        (_row(minutes="5000"), "Line 2: the duration “5000” is not a number of minutes between 0 and 1440."),
        (_row(minutes="NaN"), "Line 2: the duration “NaN” is not a number of minutes between 0 and 1440."),
        (_row(minutes="12.5"), "Line 2: the duration “12.5” is not a whole number of minutes."),
        (_row(minutes=""), "Line 2: the duration is empty; enter the minutes attended (0 to 1440)."),
        (
            _row(join="yesterday noon"),
            "Line 2: the join time “yesterday noon” is not a date and time like “11/25/2026 11:58:03 AM”.",
        ),
        (
            _row(leave="11/31/2026 01:30:00 PM"),
            "Line 2: the leave time “11/31/2026 01:30:00 PM” is not a date and time like “11/25/2026 11:58:03 AM”.",
        ),
        (
            _row(join="11/25/2026 13:00:00 PM"),
            "Line 2: the join time “11/25/2026 13:00:00 PM” is not a date and time like “11/25/2026 11:58:03 AM”.",
        ),
        (
            _row(join="11/25/2026 01:30:00 PM", leave="11/25/2026 12:00:00 PM"),
            "Line 2: the leave time “11/25/2026 12:00:00 PM” is before the join time “11/25/2026 01:30:00 PM”; "
            "correct one of them.",
        ),
        (
            ",,11/25/2026 12:00:00 PM,11/25/2026 01:30:00 PM,90,Yes,No\n",
            "Line 2: the row has neither a name nor an email; fill in one or delete the line.",
        ),
        (
            "Ravi Singh,n/a,11/25/2026 12:00:00 PM,11/25/2026 01:30:00 PM,90,No,No\n",
            "Line 2: the email “n/a” is not a valid email address; correct it or empty the cell.",
        ),
    ],
)
def test_parse_zoom_report_refuses_a_bad_row_naming_its_line(row, message):
    assert _messages(HEADER + row) == [message]


@pytest.mark.parametrize(
    ("zone", "row", "message"),
    [
        (
            TORONTO,
            _row(join="12/31/9999 11:58:03 PM", leave=""),
            "Line 2: the join time “12/31/9999 11:58:03 PM” is in the year 9999; "
            "a participants report has dates between 2000 and 2099.",
        ),
        (
            TORONTO,
            _row(leave="9999-12-31 23:59"),
            "Line 2: the leave time “9999-12-31 23:59” is in the year 9999; "
            "a participants report has dates between 2000 and 2099.",
        ),
        (
            ZoneInfo("Asia/Tokyo"),
            _row(join="1/1/0001 00:10", leave=""),
            "Line 2: the join time “1/1/0001 00:10” is in the year 0001; "
            "a participants report has dates between 2000 and 2099.",
        ),
    ],
)
def test_parse_zoom_report_refuses_a_year_out_of_range_naming_its_line(zone, row, message):
    with pytest.raises(ValidationError) as caught:
        parse_zoom_report(HEADER + _row() + row, zone=zone)

    assert caught.value.messages == [message.replace("Line 2", "Line 3")]


def test_parse_zoom_report_lists_every_bad_row_and_returns_nothing():
    text = (
        HEADER
        + _row()
        + "\n"
        + _row(minutes="-5")
        + _row()
        + "Louise Gagnon,,11/25/2026 12:00 PM,later,abc,Yes,No\n"
    )

    assert _messages(text) == [
        "Line 4: the duration “-5” is not a number of minutes between 0 and 1440.",
        "Line 6: the duration “abc” is not a number of minutes between 0 and 1440.",
        "Line 6: the leave time “later” is not a date and time like “11/25/2026 11:58:03 AM”.",
    ]


def test_parse_zoom_report_shows_twenty_problems_then_counts_the_rest():
    text = HEADER + "".join(_row(minutes=str(-n)) for n in range(1, 26))

    messages = _messages(text)

    assert messages == [
        *(
            f"Line {n + 1}: the duration “-{n}” is not a number of minutes between 0 and 1440."
            for n in range(1, 21)
        ),
        "…and 5 more; fix these and upload again to see them.",
    ]


def test_parse_zoom_report_checks_durations_against_max_minutes():
    assert _messages(HEADER + _row(minutes="121"), max_minutes=120) == [
        "Line 2: the duration “121” is not a number of minutes between 0 and 120."
    ]


def test_parse_zoom_report_accepts_a_whole_number_written_with_decimals():
    report = _parse(HEADER + _row(minutes="12.0") + _row(minutes=" 0 "))

    assert [(person.minutes, person.lines) for person in report.people] == [(12, [2, 3])]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11/25/2026 11:58:03 AM", _utc(2026, 11, 25, 16, 58, 3)),
        ("11/25/2026 11:58 AM", _utc(2026, 11, 25, 16, 58)),
        ("11/25/2026 12:05:00 AM", _utc(2026, 11, 25, 5, 5)),
        ("11/25/2026 12:05:00 PM", _utc(2026, 11, 25, 17, 5)),
        ("11/25/2026 11:58", _utc(2026, 11, 25, 16, 58)),
        ("11/25/2026   13:58:09", _utc(2026, 11, 25, 18, 58, 9)),
        ("2026-11-25 11:58:03", _utc(2026, 11, 25, 16, 58, 3)),
        ("2026-11-25T11:58", _utc(2026, 11, 25, 16, 58)),
        ("25/11/2026 11:58:03", _utc(2026, 11, 25, 16, 58, 3)),
        ("6/3/2026 9:05 am", _utc(2026, 6, 3, 13, 5)),
    ],
)
def test_parse_zoom_report_reads_zoom_time_formats_as_program_time(value, expected):
    report = _parse(HEADER + f"Ravi Singh,r.singh@example.org,{value},,30,No,No\n")

    assert report.people[0].first_joined_at == expected
    assert report.people[0].last_left_at is None


def test_parse_zoom_report_reads_ambiguous_dates_month_first():
    report = _parse(HEADER + _row(join="05/11/2026 12:00:00", leave="05/11/2026 13:00:00"))

    assert report.people[0].first_joined_at == _utc(2026, 5, 11, 16)


def test_parse_zoom_report_reads_the_whole_file_day_first_when_one_date_must_be():
    text = HEADER + (
        "Ravi Singh,r.singh@example.org,12/11/2026 23:50:00,12/11/2026 23:59:00,9,No,No\n"
        "Ravi Singh,r.singh@example.org,12/11/2026 23:59:30,13/11/2026 00:20:00,21,No,No\n"
    )

    report = _parse(text)

    assert (report.people[0].first_joined_at, report.people[0].last_left_at) == (
        _utc(2026, 11, 13, 4, 50),
        _utc(2026, 11, 13, 5, 20),
    )


def test_parse_zoom_report_refuses_dates_in_both_orders():
    text = (
        HEADER
        + _row(join="25/11/2026 12:00:00", leave="25/11/2026 13:30:00")
        + _row(join="11/26/2026 12:00:00", leave="")
    )

    assert _messages(text) == [
        "Line 3: the join time “11/26/2026 12:00:00” puts the month first, but line 2 (“25/11/2026 12:00:00”) "
        "puts the day first; use one order throughout the file."
    ]


def test_parse_zoom_report_reads_a_repeated_fall_back_time_as_the_first_one():
    # On 1 November 2026 Toronto's clocks go from 01:59 EDT back to 01:00 EST; fold=0 keeps EDT (UTC-4).
    report = _parse(
        HEADER + _row(join="11/01/2026 01:30:00 AM", leave="11/01/2026 01:45:00 AM", minutes="15")
    )

    assert report.people[0].first_joined_at == _utc(2026, 11, 1, 5, 30)
    assert report.people[0].last_left_at == _utc(2026, 11, 1, 5, 45)


def test_parse_zoom_report_reads_a_skipped_spring_forward_time_with_the_earlier_offset():
    report = _parse(
        HEADER + _row(join="03/08/2026 02:30:00 AM", leave="03/08/2026 04:00:00 AM", minutes="30")
    )

    assert report.people[0].first_joined_at == _utc(2026, 3, 8, 7, 30)


def test_parse_zoom_report_leaves_waiting_room_rows_out_of_the_minutes():
    text = HEADER + (
        "Ravi Singh,r.singh@example.org,11/25/2026 11:50:00 AM,11/25/2026 12:00:00 PM,10,No,Yes\n"
        "Ravi Singh,r.singh@example.org,11/25/2026 12:00:05 PM,11/25/2026 01:30:00 PM,90,No,No\n"
        "Tom Whitehorse,,11/25/2026 11:55:00 AM,11/25/2026 12:40:00 PM,45,Yes,yes\n"
    )

    report = _parse(text)

    assert report.people == [
        ZoomPerson(
            key="email:r.singh@example.org",
            name="Ravi Singh",
            email="r.singh@example.org",
            minutes=90,
            lines=[3],
            first_joined_at=_utc(2026, 11, 25, 17, 0, 5),
            last_left_at=_utc(2026, 11, 25, 18, 30),
            intervals=[(_utc(2026, 11, 25, 17, 0, 5), _utc(2026, 11, 25, 18, 30))],
        )
    ]
    assert report.row_count == 3


def test_parse_zoom_report_keys_people_without_email_by_their_whole_name():
    text = "Name (Original Name),User Email,Total Duration (Minutes)\n" + (
        "Marie  TREMBLAY,,30\n"
        "marie tremblay,,20\n"
        "Marie Tremblay (Manitoulin FHT),,40\n"
        ",M.Tremblay@Example.org,10\n"
        "Dr. Marie Tremblay,m.tremblay@example.org,5\n"
    )

    report = _parse(text)

    assert [(person.key, person.name, person.minutes, person.lines) for person in report.people] == [
        ("name:marie tremblay", "Marie TREMBLAY", 50, [2, 3]),
        ("name:marie tremblay (manitoulin fht)", "Marie Tremblay (Manitoulin FHT)", 40, [4]),
        ("email:m.tremblay@example.org", "Dr. Marie Tremblay", 15, [5, 6]),
    ]


def test_parse_zoom_report_counts_file_lines_across_crlf_and_a_cell_spanning_two_lines():
    text = (
        "Name (Original Name),User Email,Total Duration (Minutes)\r\n"
        '"Ravi Singh\r\nTimmins",r.singh@example.org,45\r\n'
        "\r\n"
        "Louise Gagnon,,-1\r\n"
    )

    assert _messages(text) == ["Line 5: the duration “-1” is not a number of minutes between 0 and 1440."]


def test_parse_zoom_report_gives_equal_reports_for_the_same_file():
    text = decode_report((SAMPLES / "participants_with_summary.csv").read_bytes())

    assert _parse(text) == _parse(text)
