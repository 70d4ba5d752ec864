import csv
import io
import json
import secrets
import shutil
import time
import zipfile
from datetime import datetime, timedelta
from importlib import import_module

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cpd import selectors as cpd_selectors
from cpd.models import Certificate
from echo_hub.lib.client import client_ip
from echo_hub.lib.csv_export import safe_cell
from echo_hub.lib.urls import absolute_url
from echo_hub.notifications.models import Notification, NotificationPreference
from echo_hub.notifications.services import muted_kinds
from sessions.models import Attendance, Enrollment, ReportAlias, Role

from .models import User, UserSession, new_calendar_token

# Keys this app keeps in the Django session: when the user signed in and was last seen (Unix
# seconds), which UserSession row describes this browser, and until when the MFA check passed.
LOGIN_AT = "echo_hub.login_at"
SEEN_AT = "echo_hub.seen_at"
ROW_ID = "echo_hub.session_row"
MFA_OK_UNTIL = "echo_hub.mfa_ok_until"
# Last activity is written at most once a minute: most requests then cost no extra query.
TOUCH_EVERY_SECONDS = 60
USER_AGENT_MAX = 300


# A sign-in whose password was typed this recently counts as allauth's password confirmation.
FRESH_PASSWORD_SECONDS = 60


def now() -> datetime:
    """The clock of the session rules (tests move it forward)."""
    return timezone.now()


@transaction.atomic
def regenerate_calendar_token(*, user: User) -> str:
    """Give the user a new feed token; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


# --- Two-factor authentication ------------------------------------------------------------


def mfa_required(user: User) -> bool:
    """Hub staff must sign in with a second factor: superusers, staff, and anyone approved as
    coordinator or expert of a program."""
    if user.is_superuser or user.is_staff:
        return True
    return Enrollment.objects.filter(
        user=user, status=Enrollment.Status.APPROVED, role__in=[Role.COORDINATOR, Role.EXPERT]
    ).exists()


def has_authenticator_app(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa_setup(request: HttpRequest) -> bool:
    """True when this signed-in user must set up an authenticator app before anything else.
    A pass is remembered in the session for a minute so most requests cost no query; a
    failure is never remembered, so finishing the setup lets the user through at once."""
    stamp = int(now().timestamp())
    if request.session.get(MFA_OK_UNTIL, 0) > stamp:
        return False
    user = request.user
    if mfa_required(user) and not has_authenticator_app(user):
        return True
    request.session[MFA_OK_UNTIL] = stamp + TOUCH_EVERY_SECONDS
    return False


# --- Signed-in sessions -------------------------------------------------------------------


def _session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def record_sign_in(request: HttpRequest, user: User) -> UserSession:
    """Called on every sign-in: start the session clocks and describe this browser."""
    if request.session.session_key is None:
        request.session.save()
    moment = now()
    stamp = int(moment.timestamp())
    request.session[LOGIN_AT] = stamp
    request.session[SEEN_AT] = stamp
    request.session.pop(MFA_OK_UNTIL, None)
    row, _ = UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            "created": moment,
            "last_seen": moment,
        },
    )
    request.session[ROW_ID] = row.pk
    _prune_silent_rows(user)
    _password_sign_in_counts_for_mfa_setup(request, user)
    return row


def _password_sign_in_counts_for_mfa_setup(request: HttpRequest, user: User) -> None:
    """allauth asks for the password again before an authenticator is added, even seconds
    after a password sign-in. Hub staff are sent to that setup straight from signing in, so a
    password sign-in of someone who must set it up counts as that confirmation (for allauth's
    usual ACCOUNT_REAUTHENTICATION_TIMEOUT). Other ways in (an email link) still confirm."""
    records = get_authentication_records(request, user)
    just_typed_password = (
        bool(records)
        and records[-1].get("method") == "password"
        and time.time() - records[-1].get("at", 0) < FRESH_PASSWORD_SECONDS
    )
    if just_typed_password and mfa_required(user) and not has_authenticator_app(user):
        record_authentication(request, user, method="password", reauthenticated=True)


def _prune_silent_rows(user: User) -> None:
    """Rows of browsers silent for longer than the idle limit describe sessions that are
    over; sign-in is a cheap moment to drop them."""
    limit = now() - timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES)
    UserSession.objects.filter(user=user, last_seen__lt=limit).delete()


def forget_session(request: HttpRequest) -> None:
    """Called on sign-out: the browser's row goes with its session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    row_id = session.get(ROW_ID)
    if row_id:
        UserSession.objects.filter(pk=row_id).delete()
    elif session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def session_expiry_reason(request: HttpRequest) -> str | None:
    """Why this signed-in session is over ("idle" or "max_age"), or None while it is live."""
    stamp = int(now().timestamp())
    seen = request.session.get(SEEN_AT)
    login_at = request.session.get(LOGIN_AT)
    if seen is None or login_at is None:
        return None
    if stamp - login_at > settings.SESSION_MAX_AGE_HOURS * 3600:
        return "max_age"
    if stamp - seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
        return "idle"
    return None


def touch_session(request: HttpRequest) -> None:
    """Note activity on a live session, writing at most once a minute. A session that
    started before these rules (no clocks yet) starts its clocks now."""
    moment = now()
    stamp = int(moment.timestamp())
    seen = request.session.get(SEEN_AT)
    if request.session.get(LOGIN_AT) is None:
        request.session[LOGIN_AT] = stamp
    if seen is not None and stamp - seen < TOUCH_EVERY_SECONDS:
        return
    request.session[SEEN_AT] = stamp
    row_id = request.session.get(ROW_ID)
    if row_id:
        UserSession.objects.filter(pk=row_id).update(last_seen=moment)
    elif request.session.session_key:
        # Signed in before sessions were recorded: describe it now so the user can see it.
        row, _ = UserSession.objects.get_or_create(
            session_key=request.session.session_key,
            defaults={
                "user": request.user,
                "ip": client_ip(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
                "created": moment,
                "last_seen": moment,
            },
        )
        request.session[ROW_ID] = row.pk


def end_expired_session(request: HttpRequest) -> None:
    """Sign the browser out (the Django session and its row are deleted)."""
    logout(request)


def signed_in_sessions(*, user: User) -> list[UserSession]:
    """The user's live sessions, most recently active first (silent ones are over)."""
    limit = now() - timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES)
    return list(UserSession.objects.filter(user=user, last_seen__gte=limit))


def end_session(*, user: User, session_id: int, request: HttpRequest) -> bool:
    """End one of the user's other sessions. The current one ends with "Log out"; another
    user's session is never found. Returns whether a session was ended."""
    if session_id == request.session.get(ROW_ID):
        return False
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    _session_store(row.session_key).delete()
    row.delete()
    return True


def end_other_sessions(*, user: User, request: HttpRequest | None = None) -> int:
    """End every session of the user except the one making this request (when it is the
    user's own). The current row follows the session key, which a password change rotates."""
    keep = None
    if request is not None and getattr(request, "user", None) == user and hasattr(request, "session"):
        keep = request.session.get(ROW_ID)
    others = UserSession.objects.filter(user=user).exclude(pk=keep)
    ended = 0
    for row in others:
        _session_store(row.session_key).delete()
        ended += 1
    others.delete()
    if keep and request.session.session_key:
        UserSession.objects.filter(pk=keep).update(session_key=request.session.session_key)
    return ended


# --- Privacy: download my data, close my account -----------------------------------------


def _csv_bytes(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _profile(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "profession": user.get_profession_display() if user.profession else "",
        "credentials": user.credentials,
        "organization": user.organization,
        "community_type": user.get_community_type_display() if user.community_type else "",
        "time_zone": user.time_zone,
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
                group.program.credit_type_label,
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


def write_data_export(user: User, target) -> None:
    """Write the user's own data as a zip into the binary file `target`: profile.json,
    enrollments, attendance, credits and certificates as CSV, and each certificate PDF. Every
    query is filtered on `user`; nothing of another person goes in."""
    certificates = _certificates(user)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", json.dumps(_profile(user), indent=2, ensure_ascii=False))
        archive.writestr(
            "enrollments.csv",
            _csv_bytes(["program", "role", "status", "requested_at", "decided_at"], _enrollment_rows(user)),
        )
        archive.writestr(
            "attendance.csv",
            _csv_bytes(
                ["program", "session", "starts_at", "minutes", "source", "joined_at"], _attendance_rows(user)
            ),
        )
        archive.writestr(
            "credits.csv",
            _csv_bytes(
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
            _csv_bytes(
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
        raise ValidationError({"password": "That is not your current password."})
    for certificate in Certificate.objects.select_for_update().filter(user=user, holder_name=""):
        certificate.holder_name = user.name_with_credentials
        certificate.save(update_fields=["holder_name"])
    old_emails = {
        user.email.lower(),
        *(e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
    }
    Enrollment.objects.filter(user=user, status=Enrollment.Status.PENDING).update(
        status=Enrollment.Status.DECLINED, decided_at=now(), decline_reason="Account closed"
    )
    ReportAlias.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    Notification.objects.filter(email__in=old_emails).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    for row in UserSession.objects.filter(user=user):
        _session_store(row.session_key).delete()
    UserSession.objects.filter(user=user).delete()
    user.full_name = CLOSED_NAME
    user.email = closed_email(user)
    user.credentials = ""
    user.organization = ""
    user.profession = ""
    user.community_type = ""
    user.calendar_token = new_calendar_token()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
