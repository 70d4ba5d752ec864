"""A program's credit types and accreditation details, edited by its coordinators."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from echo_hub.accounts.models import Profession
from echo_hub.audit.services import Action, record
from echo_hub.lib.uploads import read_upload
from sessions.models import Program

from ..credits import ATTENDANCE_HOURS, CreditRule, format_amount
from ..models import ACCREDITATION_IMAGE_MAX_BYTES, Accreditation, CreditType

CREDIT_TYPE_FIELDS = (
    "name",
    "statement",
    "professions",
    "credits_per_hour",
    "rounding_step",
    "max_per_session",
    "print_objectives",
)
ACCREDITATION_FIELDS = (
    "provider_name",
    "hub_name",
    "signatory_name",
    "signatory_title",
    "attendance_statement",
    "contact_address",
    "contact_phone",
    "contact_email",
    "website",
)
# PNG and JPEG only: WeasyPrint draws both, and neither carries script as an SVG can.
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


@dataclass(frozen=True)
class CreditRules:
    """Which credit type each profession of one program gets."""

    by_profession: Mapping[str, CreditType]

    def credit_type_for(self, profession: str) -> CreditType | None:
        return self.by_profession.get(profession)

    def rule_for(self, profession: str) -> tuple[CreditRule, CreditType | None]:
        credit_type = self.credit_type_for(profession)
        if credit_type is None:
            return ATTENDANCE_HOURS, None
        return rule_of(credit_type), credit_type


def rule_of(credit_type: CreditType) -> CreditRule:
    return CreditRule(
        credits_per_hour=credit_type.credits_per_hour,
        rounding_step=credit_type.rounding_step,
        max_per_session=credit_type.max_per_session,
    )


def credit_rules(program: Program) -> CreditRules:
    """One query, or none when the caller prefetched `credit_types`."""
    return CreditRules(by_profession={p: ct for ct in program.credit_types.all() for p in ct.professions})


def _clean_credit_type(*, program: Program, fields: Mapping, exclude_pk: int | None) -> dict:
    data = {name: fields[name] for name in CREDIT_TYPE_FIELDS if name in fields}
    errors: dict[str, str] = {}
    data["name"] = (data.get("name") or "").strip()
    if not data["name"]:
        errors["name"] = _("Name the credit type as the certifying body does, e.g. “Mainpro+ Certified”.")
    professions = list(dict.fromkeys(data.get("professions") or []))
    unknown = [p for p in professions if p not in Profession.values]
    if unknown:
        errors["professions"] = _("Unknown professions: %(professions)s.") % {
            "professions": ", ".join(unknown)
        }
    elif not professions:
        errors["professions"] = _("Choose the professions this credit type applies to.")
    data["professions"] = professions
    others = CreditType.objects.filter(program=program)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if data["name"] and others.filter(name__iexact=data["name"]).exists():
        errors["name"] = _("This program already has a credit type named “%(name)s”.") % {
            "name": data["name"]
        }
    taken = {p: ct.name for ct in others for p in ct.professions if p in professions}
    if taken and "professions" not in errors:
        taken_by = "; ".join(
            _("%(profession)s by “%(name)s”") % {"profession": Profession(p).label, "name": name}
            for p, name in taken.items()
        )
        errors["professions"] = _("Each profession gets one credit type. Already taken: %(taken)s.") % {
            "taken": taken_by
        }
    step, maximum = data.get("rounding_step"), data.get("max_per_session")
    if step is not None and maximum is not None and maximum < step:
        errors["max_per_session"] = _("The maximum must be at least one rounding step (%(step)s).") % {
            "step": format_amount(step)
        }
    if errors:
        raise ValidationError(errors)
    return data


def _audit_extra(credit_type: CreditType) -> dict:
    return {
        "credit_type_id": credit_type.pk,
        "credits_per_hour": credit_type.credits_per_hour,
        "rounding_step": credit_type.rounding_step,
        "max_per_session": credit_type.max_per_session,
        "professions": len(credit_type.professions),
    }


@transaction.atomic
def create_credit_type(*, program: Program, by, **fields) -> CreditType:
    data = _clean_credit_type(program=program, fields=fields, exclude_pk=None)
    credit_type = CreditType.objects.create(program=program, **data)
    record(
        Action.CREDIT_RULE_CHANGED,
        actor=by,
        obj=credit_type,
        program=program,
        extra={"change": "created", **_audit_extra(credit_type)},
    )
    return credit_type


@transaction.atomic
def update_credit_type(*, credit_type: CreditType, by, **fields) -> CreditType:
    """Change a credit type; certificates already issued keep what they print."""
    stored = CreditType.objects.select_for_update().get(pk=credit_type.pk)
    data = _clean_credit_type(program=stored.program, fields=fields, exclude_pk=stored.pk)
    changed = [name for name, value in data.items() if getattr(stored, name) != value]
    if not changed:
        return stored
    for name in changed:
        setattr(stored, name, data[name])
    stored.save()
    record(
        Action.CREDIT_RULE_CHANGED,
        actor=by,
        obj=stored,
        program=stored.program_id,
        extra={"change": "updated", "fields": ",".join(changed)[:60], **_audit_extra(stored)},
    )
    return stored


@transaction.atomic
def delete_credit_type(*, credit_type: CreditType, by) -> None:
    program_id, pk, name = credit_type.program_id, credit_type.pk, credit_type.name
    try:
        with transaction.atomic():
            credit_type.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "Certificates were issued in “%(name)s”, so it stays on record. To stop using it, "
                "give its professions to another credit type instead."
            )
            % {"name": name}
        ) from None
    record(
        Action.CREDIT_RULE_CHANGED,
        actor=by,
        object_type=CreditType._meta.label_lower,
        object_id=pk,
        program=program_id,
        extra={"change": "deleted", "credit_type_id": pk},
    )


def accreditation_of(program: Program) -> Accreditation:
    """The program's accreditation details; an empty, unsaved one before they are first saved."""
    return Accreditation.objects.filter(program=program).first() or Accreditation(program=program)


# Whole sentences per image: French gives the logo and the signature image different genders.
IMAGE_TOO_BIG = {
    "logo": gettext_lazy("The logo must be at most %(limit)s kB."),
    "signature": gettext_lazy("The signature image must be at most %(limit)s kB."),
}
IMAGE_NOT_PNG_OR_JPEG = {
    "logo": gettext_lazy("The logo must be a PNG or JPEG image."),
    "signature": gettext_lazy("The signature image must be a PNG or JPEG image."),
}


def check_image(upload: UploadedFile, *, what: str) -> bytes:
    """The bytes of a PNG or JPEG of at most ACCREDITATION_IMAGE_MAX_BYTES, judged by its content.
    `what` is the image's field: "logo" or "signature"."""
    limit_kb = ACCREDITATION_IMAGE_MAX_BYTES // 1000
    too_big = IMAGE_TOO_BIG[what] % {"limit": limit_kb}
    data = read_upload(upload, max_bytes=ACCREDITATION_IMAGE_MAX_BYTES, too_big=too_big)
    if not any(data.startswith(magic) for magic in IMAGE_SIGNATURES):
        raise ValidationError(IMAGE_NOT_PNG_OR_JPEG[what], code="image_type")
    return data


def image_extension(data: bytes) -> str:
    return next(ext for magic, ext in IMAGE_SIGNATURES.items() if data.startswith(magic))


@transaction.atomic
def update_accreditation(
    *,
    program: Program,
    by,
    fields: Mapping,
    images: Mapping[str, bytes] | None = None,
    remove: Iterable[str] = (),
) -> Accreditation:
    """Save the provider, hub, signatory and statement; replace or remove the logo and the
    signature image (`images`: checked bytes by field name, see check_image)."""
    accreditation, _ = Accreditation.objects.select_for_update().get_or_create(program=program)
    changed = []
    for name in ACCREDITATION_FIELDS:
        if name in fields and getattr(accreditation, name) != fields[name].strip():
            setattr(accreditation, name, fields[name].strip())
            changed.append(name)
    for name in ("logo", "signature"):
        data = (images or {}).get(name)
        if data is not None:
            getattr(accreditation, name).save(
                f"{name}-{program.pk}.{image_extension(data)}", ContentFile(data), save=False
            )
            changed.append(name)
        elif name in remove and getattr(accreditation, name):
            setattr(accreditation, name, "")
            changed.append(name)
    if changed:
        accreditation.save()
        record(
            Action.CREDIT_RULE_CHANGED,
            actor=by,
            obj=accreditation,
            program=program,
            extra={"change": "accreditation", "fields": ",".join(changed)[:60]},
        )
    return accreditation


def professions_without_credit_type(program: Program) -> list[str]:
    rules = credit_rules(program)
    return [label for value, label in Profession.choices if rules.credit_type_for(value) is None]


def describe_rule(credit_type: CreditType) -> str:
    """“1 per hour, in steps of 0.25, at most 2 a session”."""
    maximum = credit_type.max_per_session
    amounts = {
        "rate": format_amount(credit_type.credits_per_hour),
        "step": format_amount(credit_type.rounding_step),
        "maximum": format_amount(maximum) if maximum else "",
    }
    if maximum:
        return _("%(rate)s per hour, in steps of %(step)s, at most %(maximum)s a session") % amounts
    return _("%(rate)s per hour, in steps of %(step)s") % amounts


def profession_labels(credit_type: CreditType) -> list[str]:
    return [Profession(p).label for p in credit_type.professions if p in Profession.values]
