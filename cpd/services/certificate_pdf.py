"""Certificate PDFs: what a certificate prints, worded in its holder's language (both, for a
bilingual program), and its render, done once and stored with its SHA-256."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from echo_hub.lib.pdf import render_pdf, sha256_hex, stored_image_data_uri
from echo_hub.lib.qr import qr_svg_data_uri
from echo_hub.lib.timefmt import long_date, short_date
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.services import queue_email
from sessions.models import ProgramLanguage, program_scope

from ..credits import credit_phrase, display_amount
from ..models import Accreditation, Certificate
from .certificates import cycle_credit_rows


def certificate_languages(certificate: Certificate) -> list[str]:
    """The languages a certificate is printed in: both, English first, for a bilingual program
    (as Canadian accreditation bodies print theirs); otherwise its holder's own."""
    if certificate.program.language == ProgramLanguage.BILINGUAL:
        return [ProgramLanguage.ENGLISH, ProgramLanguage.FRENCH]
    return [certificate.user.language or settings.LANGUAGE_CODE]


def _facts_line(certificate: Certificate, body_ids: list[str], has_rows: bool) -> str:
    """“Session ID 240117001 · Issued 21 October 2026”: only the parts that have a value, so no
    separator stands alone and nothing reads “—”."""
    parts = []
    if certificate.kind == Certificate.Kind.CYCLE and has_rows:
        parts.append(gettext("Sessions and their IDs are listed on page 2"))
    elif body_ids:
        parts.append(
            ngettext("Session ID %(ids)s", "Session IDs %(ids)s", len(body_ids))
            % {"ids": ", ".join(body_ids)}
        )
    parts.append(gettext("Issued %(date)s") % {"date": long_date(certificate.issued_at)})
    return " · ".join(parts)


def _wording(certificate: Certificate, *, first, last, body_ids: list[str], has_rows: bool) -> dict:
    """What the certificate says in the active language: its title, dates, credits and facts."""
    zone = certificate.program.zone
    if certificate.kind == Certificate.Kind.SESSION:
        title = certificate.session.heading
        dates = long_date(certificate.session.starts_at, zone, weekday=True)
    else:
        cycle = certificate.cycle
        # Translators: a cycle's name as typed, e.g. "Fall 2026 cycle".
        title = gettext("%(name)s cycle") % {"name": cycle.name}
        dates = (
            # Translators: the first and last dates of a cycle's sessions.
            gettext("%(first)s – %(last)s") % {"first": long_date(first, zone), "last": long_date(last, zone)}
            if first
            else cycle.name
        )
    return {
        "lang": translation.get_language(),
        "title": title,
        "dates": dates,
        "credits": display_amount(certificate.credits),
        "credit_phrase": credit_phrase(certificate.credit_name, certificate.credits),
        "facts": _facts_line(certificate, body_ids, has_rows),
    }


def certificate_context(certificate: Certificate) -> dict:
    """Everything the certificate prints, worded in its first language; a bilingual one also
    carries `second`, the same wording in French."""
    user = certificate.user
    program = certificate.program
    accreditation = Accreditation.objects.filter(program=program).first() or Accreditation(program=program)
    zone = program.zone
    verify_url = absolute_url("cpd:verify", code=certificate.code)
    # Printed only where the certifying body asks for them (its credit type says so).
    with_objectives = bool(certificate.credit_type and certificate.credit_type.print_objectives)
    objectives: list[str] = []
    first = last = None
    credit_rows: list = []
    if certificate.kind == Certificate.Kind.SESSION:
        session = certificate.session
        body_ids = [session.accreditation_id] if session.accreditation_id else []
        objectives = session.objectives if with_objectives else []
    else:
        credit_rows = [(s, r) for s, r in cycle_credit_rows(user=user, cycle=certificate.cycle) if r.eligible]
        body_ids = [s.accreditation_id for s, _ in credit_rows if s.accreditation_id]
        first = credit_rows[0][0].starts_at if credit_rows else None
        last = credit_rows[-1][0].starts_at if credit_rows else None
    languages = certificate_languages(certificate)
    wordings = []
    for language in languages:
        with translation.override(language):
            wordings.append(
                _wording(certificate, first=first, last=last, body_ids=body_ids, has_rows=bool(credit_rows))
            )
    with translation.override(languages[0]):
        rows = [
            {
                "title": s.heading,
                "date": short_date(s.starts_at, zone),
                "credits": display_amount(r.credits),
                "body_id": s.accreditation_id,
                "objectives": s.objectives if with_objectives else [],
            }
            for s, r in credit_rows
        ]
    return {
        "certificate": certificate,
        "participant": certificate.printed_name,
        "program_name": program.name,
        "hub_name": accreditation.hub_name or program.name,
        "provider_name": accreditation.provider_name,
        "signatory_name": accreditation.signatory_name,
        "signatory_title": accreditation.signatory_title,
        "logo_data_uri": stored_image_data_uri(accreditation.logo),
        "signature_data_uri": stored_image_data_uri(accreditation.signature),
        **wordings[0],
        "second": wordings[1] if len(wordings) > 1 else None,
        "sessions": rows,
        "objectives": objectives,
        "is_attendance": not certificate.credit_name,
        "statements": [p for p in certificate.statement.split("\n\n") if p.strip()],
        "body_ids": body_ids,
        "verify_url": verify_url,
        "qr_data_uri": qr_svg_data_uri(verify_url),
    }


def render_certificate(*, certificate_id: int) -> bool:
    """Render the PDF once and store it with its SHA-256; a second run does nothing."""
    certificate = (
        Certificate.objects.select_related("user", "session__program", "cycle__program")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.render_status == Certificate.RenderStatus.READY:
        return False
    # Dates on the certificate read in the program's zone, whatever the worker's; its words in
    # its holder's language (both, for a bilingual program), whoever asked for it.
    with (
        timezone.override(certificate.program.zone),
        translation.override(certificate_languages(certificate)[0]),
    ):
        pdf = render_pdf("pdf/certificate.html", certificate_context(certificate))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("user").get(pk=certificate_id)
        if certificate.render_status == Certificate.RenderStatus.READY:
            return False
        certificate.file.save(
            f"certificate-{certificate.code[:12]}-{certificate.issue_number}.pdf",
            ContentFile(pdf),
            save=False,
        )
        certificate.sha256 = sha256_hex(pdf)
        certificate.render_status = Certificate.RenderStatus.READY
        certificate.rendered_at = timezone.now()
        certificate.last_error = ""
        certificate.save()
        queue_email(
            email=certificate.user.email,
            user=certificate.user,
            kind="certificate_ready",
            object_key=f"certificate:{certificate.pk}:{certificate.issue_number}",
            template="certificate_ready",
            context={"certificate": certificate, "cpd_url": absolute_url("cpd:transcript")},
            scope=program_scope(certificate.program.pk),
        )
    return True
