"""Moving today's cases onto the chronic pain form: each program gets the pain form as version
1, each case that version, and a case's letter does not change by a byte."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.caseforms.templates_pain import pain_definition
from cases.models import Case, CaseFormVersion
from tests.cases.pain_letter import CASE_PK, GOLDEN, create_pain_case, render_pain_letter

BEFORE = ("cases", "0011_letter_final_text")


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before():
    """Every other app as it is now (the historical models then match the tables), cases
    before its case forms."""
    return [node for node in _leaves() if node[0] != "cases"] + [BEFORE]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrator(transactional_db):
    yield _migrate
    _migrate(_leaves())


def test_a_pain_case_moves_onto_the_pain_form_and_its_letter_keeps_every_byte(migrator):
    old = migrator(_before())
    create_pain_case(old)
    Program = old.get_model("echo_sessions", "Program")
    Program.objects.create(name="Hepatitis C", slug="hep-c")

    migrator(_leaves())

    case = Case.objects.select_related("form_version__case_form__program").get(pk=CASE_PK)
    version = case.form_version
    assert (version.number, version.case_form.program.slug, version.case_form.current_id) == (
        1,
        "pain-letter",
        version.pk,
    )
    assert version.full_definition == pain_definition()
    assert case.answers == {}
    assert render_pain_letter() == GOLDEN.read_text()
    assert sorted(CaseFormVersion.objects.values_list("case_form__program__slug", "number")) == [
        ("hep-c", 1),
        ("pain-letter", 1),
    ]
