import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from echo_hub.accounts.models import Profession
from sessions.roster import RosterRow, decode_roster, parse_roster

HEADER = "email,full_name,profession,organization\n"
VALID_PROFESSIONS = (
    "Family physician, Specialist physician, Nurse practitioner, Registered nurse, "
    "Registered practical nurse, Physician assistant, Pharmacist, Physiotherapist, "
    "Occupational therapist, Social worker, Psychologist, Other health professional"
)


def _errors(report) -> list[tuple[int, list[str]]]:
    return [(line.line, line.errors) for line in report.lines]


def test_parse_roster_reads_a_valid_file():
    text = HEADER + (
        "R.Singh@Example.org, Ravi   Singh ,Pharmacist,Timmins Community Pharmacy\n"
        "l.gagnon@example.org,Louise Gagnon,Registered nurse,Hearst Community Health Centre\n"
    )

    report = parse_roster(text)

    assert report.valid_rows == [
        RosterRow(
            email="r.singh@example.org",
            full_name="Ravi Singh",
            profession=Profession.PHARMACIST,
            organization="Timmins Community Pharmacy",
        ),
        RosterRow(
            email="l.gagnon@example.org",
            full_name="Louise Gagnon",
            profession=Profession.REGISTERED_NURSE,
            organization="Hearst Community Health Centre",
        ),
    ]
    assert report.error_count == 0
    assert [line.line for line in report.lines] == [2, 3]


def test_parse_roster_flags_a_bad_email():
    report = parse_roster(HEADER + "not-an-email,Ravi Singh,Pharmacist,Timmins Pharmacy\n")

    assert _errors(report) == [(2, ["“not-an-email” is not a valid email address."])]
    assert report.valid_rows == []


def test_parse_roster_refuses_a_name_with_invisible_characters_on_its_line():
    report = parse_roster(
        HEADER
        + "r.singh@example.org,Ravi Singh,Pharmacist,Timmins Pharmacy\n"
        + "l.gagnon@example.org,Louise\u200b \u202eGagnon,Registered nurse,Hearst CHC\n"
    )

    assert _errors(report) == [
        (2, []),
        (
            3,
            [
                "Full name holds invisible formatting characters (U+200B ZERO WIDTH SPACE, U+202E "
                "RIGHT-TO-LEFT OVERRIDE), which can reverse or hide letters where it is shown or printed. "
                "Retype it without them."
            ],
        ),
    ]
    assert [row.email for row in report.valid_rows] == ["r.singh@example.org"]


def test_parse_roster_composes_names_and_keeps_their_line():
    report = parse_roster(
        HEADER + "\nh.cote@example.org,He\u0301le\u0300ne Co\u0302te\u0301,Pharmacist,Hearst\n"
    )

    assert [(row.full_name, row.line) for row in report.valid_rows] == [("Hélène Côté", 3)]


def test_parse_roster_flags_missing_values():
    report = parse_roster(HEADER + " ,Ravi Singh,,\nr.singh@example.org\n")

    assert _errors(report) == [
        (2, ["Email is missing.", "Profession is missing.", "Organization is missing."]),
        (3, ["Full name is missing.", "Profession is missing.", "Organization is missing."]),
    ]
    assert report.error_count == 2


def test_parse_roster_lists_valid_professions_for_an_unknown_one():
    report = parse_roster(HEADER + "r.singh@example.org,Ravi Singh,Nurse,Timmins Pharmacy\n")

    assert _errors(report) == [(2, [f"Unknown profession “Nurse”. Use one of: {VALID_PROFESSIONS}."])]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pharmacist", Profession.PHARMACIST),
        ("PHARMACIST", Profession.PHARMACIST),
        ("nurse practitioner", Profession.NURSE_PRACTITIONER),
        ("Registered Practical Nurse", Profession.PRACTICAL_NURSE),
        ("practical_nurse", Profession.PRACTICAL_NURSE),
        ("FAMILY_PHYSICIAN", Profession.FAMILY_PHYSICIAN),
    ],
)
def test_parse_roster_accepts_profession_by_label_or_value_in_any_case(raw, expected):
    report = parse_roster(HEADER + f"r.singh@example.org,Ravi Singh,{raw},Timmins Pharmacy\n")

    assert [row.profession for row in report.valid_rows] == [expected]


def test_parse_roster_flags_a_repeated_email_naming_the_first_line():
    text = HEADER + (
        "r.singh@example.org,Ravi Singh,Pharmacist,Timmins Pharmacy\n"
        "l.gagnon@example.org,Louise Gagnon,Registered nurse,Hearst CHC\n"
        "R.Singh@example.org,Ravi Singh,Pharmacist,Timmins Pharmacy\n"
    )

    report = parse_roster(text)

    assert _errors(report) == [(2, []), (3, []), (4, ["Same email as line 2; each person once."])]
    assert [row.email for row in report.valid_rows] == ["r.singh@example.org", "l.gagnon@example.org"]


def test_parse_roster_refuses_a_file_missing_columns():
    with pytest.raises(ValidationError) as caught:
        parse_roster("email,name\nr.singh@example.org,Ravi Singh\n")

    assert caught.value.messages == [
        "The first line must name the columns email, full_name, profession, organization. "
        "Missing: profession, organization."
    ]


def test_parse_roster_accepts_column_aliases_in_any_order():
    text = "Organisation,E-mail,Profession,Full Name\nTimmins Pharmacy,r.singh@example.org,Pharmacist,Ravi Singh\n"

    report = parse_roster(text)

    assert report.valid_rows == [
        RosterRow(
            email="r.singh@example.org",
            full_name="Ravi Singh",
            profession=Profession.PHARMACIST,
            organization="Timmins Pharmacy",
        )
    ]


def test_parse_roster_refuses_an_empty_file():
    with pytest.raises(ValidationError) as caught:
        parse_roster("")

    assert caught.value.messages == ["The file is empty. The first line must name the columns."]


def test_parse_roster_refuses_a_header_without_people():
    with pytest.raises(ValidationError) as caught:
        parse_roster(HEADER + "\n\n")

    assert caught.value.messages == ["The file has a header line but no people."]


def test_decode_roster_refuses_latin1_bytes_naming_utf8():
    data = (HEADER + "m.tremblay@example.org,Marie Tremblay,Family physician,Clinique de Sept-Îles\n").encode(
        "latin-1"
    )

    with pytest.raises(ValidationError) as caught:
        decode_roster("é".encode("latin-1") + data)

    assert caught.value.messages == [
        "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)” "
        "and upload that file."
    ]


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + "a\x00b@example.org,Marie Tremblay,Family physician,Clinique\n").encode(),
        (HEADER + "m.tremblay@example.org,Marie Tremblay,Family physician,Clinique\n").encode("utf-16-le"),
    ],
    ids=["a NUL byte in a cell", "UTF-16 without a byte order mark"],
)
def test_decode_roster_refuses_nul_bytes_naming_utf8(data):
    with pytest.raises(ValidationError) as caught:
        decode_roster(data)

    assert caught.value.messages == [
        "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma delimited)” "
        "and upload that file."
    ]


def test_decode_roster_refuses_a_file_over_1_mb():
    with pytest.raises(ValidationError) as caught:
        decode_roster(b"a" * 1_000_001)

    assert caught.value.messages == ["The file is larger than 1 MB. Split the roster into smaller files."]


def test_decode_roster_drops_a_byte_order_mark():
    data = "\ufeff" + HEADER + "m.tremblay@example.org,Marie Tremblay,Family physician,Clinique Sept-Îles\n"

    text = decode_roster(data.encode("utf-8"))

    assert text == data[1:]
    assert [row.organization for row in parse_roster(text).valid_rows] == ["Clinique Sept-Îles"]


def test_parse_roster_accepts_semicolons_as_delimiter():
    text = (
        "email;full_name;profession;organization\n"
        "m.tremblay@example.org;Tremblay, Marie;Family physician;Manitoulin FHT\n"
    )

    report = parse_roster(text)

    assert report.valid_rows == [
        RosterRow(
            email="m.tremblay@example.org",
            full_name="Tremblay, Marie",
            profession=Profession.FAMILY_PHYSICIAN,
            organization="Manitoulin FHT",
        )
    ]


def test_parse_roster_skips_blank_lines_and_counts_file_lines():
    text = HEADER + (
        "\n"
        "r.singh@example.org,Ravi Singh,Pharmacist,Timmins Pharmacy\n"
        "\n"
        " , , , \n"
        "bad-email,Louise Gagnon,Registered nurse,Hearst CHC\n"
    )

    report = parse_roster(text)

    assert _errors(report) == [(3, []), (6, ["“bad-email” is not a valid email address."])]


def test_parse_roster_counts_file_lines_after_a_cell_spanning_two_lines():
    text = HEADER + (
        'r.singh@example.org,Ravi Singh,Pharmacist,"Timmins Pharmacy\nUnit 2"\n'
        "bad-email,Louise Gagnon,Registered nurse,Hearst CHC\n"
    )

    report = parse_roster(text)

    assert _errors(report) == [(2, []), (4, ["“bad-email” is not a valid email address."])]


@pytest.mark.django_db
def test_roster_template_downloads_a_csv_the_import_reads_back(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_roster_template", args=[program.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="chronic-pain-roster-template.csv"'
    text = decode_roster(response.content)
    assert text.splitlines()[0] == "email,full_name,profession,organization"
    report = parse_roster(text)
    assert [line.errors for line in report.lines] == [[]]
    assert report.valid_rows == [
        RosterRow(
            email="amira.lee@example.org",
            full_name="Dr Amira Lee",
            profession=Profession.FAMILY_PHYSICIAN,
            organization="Northern Family Health Team",
        )
    ]


@pytest.mark.django_db
def test_roster_import_page_links_the_template_and_lists_the_professions(client, coordinator, program):
    client.force_login(coordinator)

    body = client.get(reverse("sessions:manage_roster_import", args=[program.slug])).content.decode()

    template_url = reverse("sessions:manage_roster_template", args=[program.slug])
    assert f'href="{template_url}" download>Download the CSV template</a>' in body
    assert f"Professions: {VALID_PROFESSIONS}." in body
