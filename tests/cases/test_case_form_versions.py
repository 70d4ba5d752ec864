"""A program's case form: the pain form until a coordinator chooses another; each change is a
new version, and a version already written is never changed."""

import copy

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.caseforms.templates_builtin import template_definition
from cases.models import CaseFormVersion
from echo_hub.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_program_without_a_form_gets_the_pain_form_once(program):
    first = services.current_form_version(program)
    again = services.current_form_version(program)

    assert (first.pk, first.number, first.definition["template"]) == (again.pk, 1, "chronic_pain")
    assert CaseFormVersion.objects.filter(case_form__program=program).count() == 1


def test_choosing_a_template_writes_the_next_version_and_makes_it_current(program, coordinator):
    pain = services.current_form_version(program)

    hep_c = services.start_from_template(program=program, template="hepatitis_c", by=coordinator)

    assert (hep_c.number, hep_c.definition["template"], hep_c.created_by) == (2, "hepatitis_c", coordinator)
    assert services.current_form_version(program) == hep_c
    assert hep_c.headings == template_definition("hepatitis_c")["headings"]
    pain.refresh_from_db()
    assert pain.definition["template"] == "chronic_pain"
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROGRAM_CHANGED)
    assert (event.program_id, event.extra) == (
        program.pk,
        {"case_form_version": 2, "template": "hepatitis_c"},
    )


def test_saving_the_current_form_again_writes_nothing(program, coordinator):
    version = services.start_from_template(program=program, template="dementia", by=coordinator)

    again = services.start_from_template(program=program, template="dementia", by=coordinator)

    assert again == version
    assert CaseFormVersion.objects.filter(case_form__program=program).count() == 1


def test_a_changed_form_is_a_new_version_and_the_old_one_keeps_its_fields(program, coordinator):
    first = services.start_from_template(program=program, template="hepatitis_c", by=coordinator)
    sections = copy.deepcopy(first.definition["sections"])
    sections[0]["fields"][0]["label"] = "HCV genotype"
    del sections[1]

    second = services.save_form_version(
        program=program, sections=sections, headings=first.headings, template="hepatitis_c", by=coordinator
    )

    first.refresh_from_db()
    assert second.number == 2
    assert first.definition["sections"][0]["fields"][0]["label"] == "Genotype"
    assert len(first.definition["sections"]) == 4
    assert [s["title"] for s in second.definition["sections"]][1] == "Treatment history and interactions"


def test_an_invalid_form_is_refused_and_nothing_is_written(program, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.save_form_version(
            program=program, sections=[], headings=[], template="blank", by=coordinator
        )

    assert caught.value.messages == ["Give at least one recommendation heading."]
    assert not CaseFormVersion.objects.filter(case_form__program=program).exists()
