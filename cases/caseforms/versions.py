from .templates_pain import pain_definition


def case_definition(case) -> dict:
    """The definition (sections and headings) the case was written with. A case without a
    version (created outside the services: the admin, old fixtures) reads as the pain form,
    the only form there was before forms were set per program."""
    if case.form_version_id is None:
        return pain_definition()
    return case.form_version.full_definition
