"""Privacy actions that span every app: a person downloads their own data, or closes
their account."""

import json
import secrets
import shutil
import zipfile

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cpd import selectors as cpd_selectors
from cpd.credits import credit_phrase
from cpd.models import Certificate
from echo_hub.accounts.models import LEARNER_IDENTIFIERS, User, new_calendar_token
from echo_hub.accounts.services import end_all_sessions, has_authenticator_app
from echo_hub.lib.csv_export import csv_bytes
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.models import Notification, NotificationPreference
from echo_hub.notifications.services import muted_kinds
from sessions.models import Attendance, Enrollment, ReportAlias
from zoom.privacy import forget_report_rows, report_rows_of


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _profile(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "profession": str(user.get_profession_display()) if user.profession else "",
        "credentials": user.credentials,
        "organization": user.organization,
        "community_type": str(user.get_community_type_display()) if user.community_type else "",
        "time_zone": user.time_zone,
        "licensing_body": user.licensing_body,
        "licence_number": user.licence_number,
        "cfpc_number": user.cfpc_number,
        "npi": user.npi,
        "birth_month": user.birth_month,
        "birth_day": user.birth_day,
        "nabp_eprofile_id": user.nabp_eprofile_id,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "two_factor_authentication": has_authenticator_app(user),
        "muted_email_kinds": sorted(muted_kinds(user)),
    }


def _enrollment_rows(user: User):
    for e in Enrollment.objects.filter(user=user).select_related("program").order_by("requested_at"):
        yield [
            e.program.name,
            e.get_role_display(),
            e.get_status_display(),
            _iso(e.requested_at),
            _iso(e.decided_at),
        ]


def _attendance_rows(user: User):
    rows = (
        Attendance.objects.filter(user=user).select_related("session__program").order_by("session__starts_at")
    )
    for a in rows:
        s = a.session
        yield [
            s.program.name,
            s.title,
            _iso(s.starts_at),
            a.minutes,
            a.get_source_display(),
            "yes" if a.verified else "no (provisional)",
            _iso(a.joined_at),
        ]


def _credit_rows(user: User):
    for group in cpd_selectors.transcript(user):
        for row in group.rows:
            yield [
                group.program.name,
                row.session.title,
                _iso(row.session.starts_at),
                row.minutes,
                row.result.counted_minutes,
                "yes" if row.evaluated else "no",
                row.result.credits,
                credit_phrase(row.result.credit_name),
                row.certificate.code if row.certificate else "",
            ]


def _certificate_file_name(certificate: Certificate) -> str:
    return f"certificates/echo-certificate-{certificate.code[:10]}-{certificate.issue_number}.pdf"


def _certificates(user: User) -> list[Certificate]:
    return list(
        Certificate.objects.filter(user=user)
        .select_related("session__program", "cycle__program")
        .order_by("issued_at")
    )


def _certificate_rows(certificates: list[Certificate]):
    for c in certificates:
        target = c.session.title if c.session_id else c.cycle.name
        ready = c.render_status == Certificate.RenderStatus.READY and bool(c.file)
        yield [
            c.code,
            c.get_kind_display(),
            c.program.name,
            target,
            c.credits,
            c.get_status_display(),
            c.issue_number,
            _iso(c.issued_at),
            absolute_url("cpd:verify", code=c.code),
            _certificate_file_name(c) if ready else "",
        ]


def _emails(user: User) -> set[str]:
    """Every address the person signs in or is written to with, lower-cased."""
    return {
        user.email.lower(),
        *(e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
    }


def write_data_export(user: User, target) -> None:
    """Write the user's own data as a zip into the binary file `target`: profile.json,
    enrollments, attendance, credits and certificates as CSV, and each certificate PDF. Every
    query is filtered on `user`; nothing of another person goes in."""
    certificates = _certificates(user)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", json.dumps(_profile(user), indent=2, ensure_ascii=False))
        archive.writestr(
            "enrollments.csv",
            csv_bytes(["program", "role", "status", "requested_at", "decided_at"], _enrollment_rows(user)),
        )
        archive.writestr(
            "attendance.csv",
            csv_bytes(
                ["program", "session", "starts_at", "minutes", "source", "verified", "joined_at"],
                _attendance_rows(user),
            ),
        )
        archive.writestr(
            "credits.csv",
            csv_bytes(
                [
                    "program",
                    "session",
                    "starts_at",
                    "attended_minutes",
                    "counted_minutes",
                    "evaluated",
                    "credits",
                    "credit_type",
                    "certificate_code",
                ],
                _credit_rows(user),
            ),
        )
        archive.writestr(
            "certificates.csv",
            csv_bytes(
                [
                    "code",
                    "kind",
                    "program",
                    "session_or_cycle",
                    "credits",
                    "status",
                    "issue_number",
                    "issued_at",
                    "verify_url",
                    "file",
                ],
                _certificate_rows(certificates),
            ),
        )
        archive.writestr(
            "zoom_reports.csv",
            csv_bytes(
                ["program", "session", "starts_at", "name", "email", "joined", "left"],
                report_rows_of(user, _emails(user)),
            ),
        )
        for c in certificates:
            if c.render_status == Certificate.RenderStatus.READY and c.file:
                with c.file.open("rb") as pdf, archive.open(_certificate_file_name(c), "w") as entry:
                    shutil.copyfileobj(pdf, entry)


CLOSED_NAME = "Closed account"
CLOSED_EMAIL_DOMAIN = "closed.invalid"  # RFC 2606: .invalid never routes anywhere


def closed_email(user: User) -> str:
    return f"closed-{user.pk}-{secrets.token_hex(4)}@{CLOSED_EMAIL_DOMAIN}"


@transaction.atomic
def close_account(*, user: User, password: str) -> None:
    """Close the account for good: the person can no longer sign in and the profile no
    longer names them. Attendance, evaluations and certificates stay, because accreditation
    bodies audit them for years; each certificate keeps the name it was printed with (in
    `holder_name`) so that the PDF the person holds still verifies as theirs at /verify/.
    Raises ValidationError when the password is wrong."""
    if not user.check_password(password):
        raise ValidationError({"password": _("That is not your current password.")})
    for certificate in Certificate.objects.select_for_update().filter(user=user, holder_name=""):
        certificate.holder_name = user.name_with_credentials
        certificate.save(update_fields=["holder_name"])
    old_emails = _emails(user)
    forget_report_rows(user, old_emails)
    now = timezone.now()
    Enrollment.objects.filter(user=user, status=Enrollment.Status.PENDING).update(
        status=Enrollment.Status.DECLINED, decided_at=now, decline_reason="Account closed", updated_at=now
    )
    ReportAlias.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    Notification.objects.filter(email__in=old_emails).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    end_all_sessions(user=user)
    user.full_name = CLOSED_NAME
    user.email = closed_email(user)
    user.credentials = ""
    user.organization = ""
    user.profession = ""
    user.community_type = ""
    for identifier in LEARNER_IDENTIFIERS:
        setattr(user, identifier, "")
    user.birth_month = user.birth_day = None
    user.calendar_token = new_calendar_token()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
