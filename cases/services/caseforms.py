"""A program's case form: its current version, a new version from a template or from the
coordinator's editor. A version, once written, is never changed."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, record
from sessions.models import Program

from ..caseforms.attachments import attachment_kind
from ..caseforms.definition import ATTACHMENT, field_map, validate_definition
from ..caseforms.templates_builtin import template_definition
from ..caseforms.versions import case_definition
from ..models import Case, CaseAttachment, CaseForm, CaseFormVersion

DEFAULT_TEMPLATE = "chronic_pain"
__all__ = [
    "case_definition",
    "current_definition",
    "current_form_version",
    "replace_attachments",
    "save_form_version",
    "start_from_template",
]


def current_form_version(program: Program) -> CaseFormVersion:
    """The version new cases of the program are written with. A program without a form yet
    gets the chronic pain form, the one every program had before forms were set per program."""
    case_form = CaseForm.objects.select_related("current").filter(program=program).first()
    if case_form is not None and case_form.current is not None:
        return case_form.current
    definition = template_definition(DEFAULT_TEMPLATE)
    return save_form_version(
        program=program,
        sections=definition["sections"],
        headings=definition["headings"],
        template=DEFAULT_TEMPLATE,
        by=None,
    )


def current_definition(program: Program) -> dict:
    """The definition new cases of the program are written with, without writing anything
    (pages that only read it: the library's filters)."""
    case_form = CaseForm.objects.select_related("current").filter(program=program).first()
    if case_form is None or case_form.current is None:
        return template_definition(DEFAULT_TEMPLATE)
    return case_form.current.full_definition


@transaction.atomic
def save_form_version(
    *,
    program: Program,
    sections: Sequence[Mapping],
    headings: Sequence[Mapping],
    template: str,
    by,
) -> CaseFormVersion:
    """Write the next version of the program's form and make it current. Nothing is written
    when it is the current version again. Raises ValidationError listing what is wrong."""
    definition = {"template": template, "sections": list(sections)}
    validate_definition({**definition, "headings": list(headings)})
    try:
        with transaction.atomic():
            case_form, _created = CaseForm.objects.get_or_create(program=program)
    except IntegrityError:
        case_form = CaseForm.objects.get(program=program)
    case_form = CaseForm.objects.select_for_update().get(pk=case_form.pk)
    current = case_form.current
    if current is not None and current.definition == definition and current.headings == list(headings):
        return current
    number = (current.number if current else 0) + 1
    version = CaseFormVersion.objects.create(
        case_form=case_form, number=number, definition=definition, headings=list(headings), created_by=by
    )
    case_form.current = version
    case_form.save(update_fields=["current"])
    if by is not None:
        # A program setting, as the coordinators' other changes to their program are.
        record(
            Action.PROGRAM_CHANGED,
            actor=by,
            obj=program,
            extra={"case_form_version": number, "template": template},
        )
    return version


def replace_attachments(case: Case, definition: dict, uploads: Mapping, by) -> None:
    """Store each newly attached file in place of the field's earlier one. The file's first
    bytes decide what it is (attachment_kind), whatever the browser declared."""
    by_key = field_map(definition)
    for key, upload in uploads.items():
        if by_key.get(key, {}).get("type") != ATTACHMENT:
            raise ValidationError(_("Not an attachment field of this case's form: %(key)s.") % {"key": key})
        content_type, extension = attachment_kind(upload)
        for old in CaseAttachment.objects.filter(case=case, field=key):
            old.file.delete(save=False)
            old.delete()
        attachment = CaseAttachment(
            case=case,
            field=key,
            content_type=content_type,
            size=upload.size,
            original_name=(upload.name or f"{key}.{extension}")[-120:],
            uploaded_by=by,
        )
        attachment.file.save(f"case-{case.pk}-{key}.{extension}", upload, save=False)
        attachment.save()


def start_from_template(*, program: Program, template: str, by) -> CaseFormVersion:
    definition = template_definition(template)
    return save_form_version(
        program=program,
        sections=definition["sections"],
        headings=definition["headings"],
        template=template,
        by=by,
    )
