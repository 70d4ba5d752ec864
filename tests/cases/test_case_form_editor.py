"""The coordinator's case form editor: only the program's coordinators reach it; a template,
a renamed, added, removed or moved field and new headings each save a new version; a mistake
comes back with what was typed and says what to change."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from cases import services
from cases.models import CaseFormVersion

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "participant", "expert", "coordinator", "other_coordinator")


def _url(program) -> str:
    return reverse("cases:form_editor", kwargs={"slug": program.slug})


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, (302, 404, 403, 403, 200, 404), strict=True)))
def test_case_form_editor_permission_matrix(client, request, program, method, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    data = {"action": "template", "template": "blank"} if method == "post" else None

    response = getattr(client, method)(_url(program), data)

    expected = 302 if (expected == 200 and method == "post") else expected
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"] == f"{reverse('account_login')}?next={quote(_url(program))}"
    blank_saved = CaseFormVersion.objects.filter(case_form__program=program, definition__template="blank")
    assert blank_saved.exists() == (role == "coordinator" and method == "post")


def _rows(version) -> dict:
    """The editor's form posted back as the page shows it."""
    data = {"action": "save", "headings": "\n".join(f"{h['key']} | {h['label']}" for h in version.headings)}
    index = 0
    for section in version.definition["sections"]:
        for field in section["fields"]:
            prefix = f"rows-{index}-"
            data |= {
                prefix + "section": section["title"],
                prefix + "key": field["key"],
                prefix + "label": field["label"],
                prefix + "type": field["type"],
                prefix + "help": field.get("help", ""),
                prefix + "unit": field.get("unit", ""),
                prefix + "min": "" if field.get("min") is None else str(field["min"]),
                prefix + "max": "" if field.get("max") is None else str(field["max"]),
                prefix + "instrument": field.get("instrument", ""),
                prefix + "choices": "\n".join(f"{v} | {lbl}" for v, lbl in field.get("choices", ())),
                prefix + "column": field.get("column", ""),
            }
            if field.get("required"):
                data[prefix + "required"] = "on"
            if field.get("mme"):
                data[prefix + "mme"] = "on"
            index += 1
    return data | {"rows-TOTAL_FORMS": str(index + 2), "rows-INITIAL_FORMS": str(index)}


@pytest.fixture
def hep_c(program, coordinator):
    return services.start_from_template(program=program, template="hepatitis_c", by=coordinator)


def test_the_editor_shows_the_current_form(client, coordinator, program, hep_c):
    client.force_login(coordinator)

    body = client.get(_url(program)).content.decode()

    assert "version 1 of this form" in body
    assert 'value="viral_load"' in body
    assert "treatment_choice | Treatment choice" in body


def test_saving_unchanged_rows_writes_no_new_version(client, coordinator, program, hep_c):
    client.force_login(coordinator)

    response = client.post(_url(program), _rows(hep_c))

    assert response.status_code == 302
    assert services.current_form_version(program) == hep_c


def test_rename_add_remove_and_new_headings_make_a_new_version(client, coordinator, program, hep_c):
    client.force_login(coordinator)
    data = _rows(hep_c)
    total = int(data["rows-TOTAL_FORMS"])
    data |= {
        "rows-0-label": "HCV genotype",
        "rows-1-DELETE": "on",
        f"rows-{total - 2}-section": "Liver fibrosis",
        f"rows-{total - 2}-key": "meld",
        f"rows-{total - 2}-label": "MELD score",
        f"rows-{total - 2}-type": "score",
        f"rows-{total - 2}-instrument": "MELD",
        f"rows-{total - 2}-min": "6",
        f"rows-{total - 2}-max": "40",
        "headings": "treatment_choice | Treatment choice\nmonitoring | Monitoring\nfollow_up | Follow-up",
    }

    response = client.post(_url(program), data)

    version = services.current_form_version(program)
    assert response.status_code == 302
    assert version.number == 2
    fields = [f for s in version.definition["sections"] for f in s["fields"]]
    assert fields[0]["label"] == "HCV genotype"
    assert "viral_load" not in [f["key"] for f in fields]
    assert version.definition["sections"][-1]["title"] == "Liver fibrosis"
    assert version.definition["sections"][-1]["fields"] == [
        {
            "key": "meld",
            "type": "score",
            "label": "MELD score",
            "help": "",
            "required": False,
            "min": 6,
            "max": 40,
            "instrument": "MELD",
        }
    ]
    assert [h["key"] for h in version.headings] == ["treatment_choice", "monitoring", "follow_up"]
    hep_c.refresh_from_db()
    assert hep_c.definition["sections"][0]["fields"][0]["label"] == "Genotype"


def test_move_down_reorders_without_saving_and_save_keeps_the_order(client, coordinator, program, hep_c):
    client.force_login(coordinator)
    data = _rows(hep_c)

    moved = client.post(_url(program), data | {"move": "0:down"})
    versions_after_move = CaseFormVersion.objects.filter(case_form__program=program).count()
    rows = moved.context["rows"]
    reordered = dict(data)
    for name in ("key", "label", "type", "choices", "unit", "min", "max"):
        reordered[f"rows-0-{name}"], reordered[f"rows-1-{name}"] = (
            data[f"rows-1-{name}"],
            data[f"rows-0-{name}"],
        )
    saved = client.post(_url(program), reordered)

    assert moved.status_code == 200
    assert [rows.forms[0]["key"].value(), rows.forms[1]["key"].value()] == ["viral_load", "genotype"]
    assert versions_after_move == 1
    assert saved.status_code == 302
    version = services.current_form_version(program)
    assert [f["key"] for f in version.definition["sections"][0]["fields"]][:2] == ["viral_load", "genotype"]


def test_a_mistake_is_explained_and_what_was_typed_stays(client, coordinator, program, hep_c):
    client.force_login(coordinator)
    data = _rows(hep_c) | {
        "rows-1-key": "genotype",
        "rows-1-label": "Viral load typed here",
        "rows-2-min": "abc",
    }

    response = client.post(_url(program), data)

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["rows"].forms[2].errors == {"min": ["Enter a number."]}
    assert 'value="Viral load typed here"' in body
    data["rows-2-min"] = ""
    again = client.post(_url(program), data)
    assert "Field “genotype”: two fields have this key." in again.content.decode()
    assert CaseFormVersion.objects.filter(case_form__program=program).count() == 1


def test_choosing_a_template_replaces_the_form_as_a_new_version(client, coordinator, program, hep_c):
    client.force_login(coordinator)

    response = client.post(_url(program), {"action": "template", "template": "dementia"})

    assert response.status_code == 302
    version = services.current_form_version(program)
    assert (version.number, version.definition["template"]) == (2, "dementia")


def test_the_pain_form_edited_keeps_its_columns_types_and_decimals(client, coordinator, presenter, program):
    pain = services.current_form_version(program)
    client.force_login(coordinator)
    data = _rows(pain)
    for index in range(int(data["rows-INITIAL_FORMS"])):
        if data[f"rows-{index}-key"] == "peg_score":
            data[f"rows-{index}-decimals"] = "1"
    data["rows-0-label"] = "How the pain started"

    saved = client.post(_url(program), data)
    case = services.save_case_draft(
        presenter=presenter,
        program=program,
        fields={"title": "t", "pain_onset": "Fall on ice", "peg_score": Decimal("6.3")},
        medications=[],
    )

    version = services.current_form_version(program)
    assert (saved.status_code, version.number) == (302, 2)
    fields = {f["key"]: f for s in version.definition["sections"] for f in s["fields"]}
    assert fields["pain_onset"] == {
        "key": "pain_onset",
        "type": "short_text",
        "label": "How the pain started",
        "help": "How it started, e.g. “lifting injury at work”.",
        "required": False,
        "column": "pain_onset",
    }
    assert fields["peg_score"]["decimals"] == 1
    assert (case.form_version, case.pain_onset) == (version, "Fall on ice")
    client.force_login(presenter)
    page = client.get(reverse("cases:edit", kwargs={"pk": case.pk})).content.decode()
    assert "How the pain started" in page


def test_a_pain_column_cannot_change_its_type(client, coordinator, program):
    pain = services.current_form_version(program)
    client.force_login(coordinator)
    data = _rows(pain)
    index = next(i for i in range(100) if data.get(f"rows-{i}-key") == "pain_intensity")
    data[f"rows-{index}-type"] = "short_text"

    response = client.post(_url(program), data)

    assert "Field “pain_intensity”: this field of the chronic pain form keeps its type (Score)." in (
        response.content.decode()
    )
    assert services.current_form_version(program) == pain


def test_a_post_without_the_rows_says_so_and_writes_nothing(client, coordinator, program, hep_c):
    client.force_login(coordinator)

    response = client.post(_url(program), {"action": "save", "move": "x:sideways"})
    again = client.post(_url(program), {"action": "save"})

    assert (response.status_code, again.status_code) == (200, 200)
    assert "ManagementForm data is missing" in again.content.decode()
    assert services.current_form_version(program) == hep_c
