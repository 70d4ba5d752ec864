"""allauth.mfa adapted to the hub: authenticator secrets are encrypted in the database, the
QR code is drawn inline (no data: URI for the Content Security Policy to allow), hub staff
cannot switch their authenticator app off, and setting one up leads back to where the person
was going (an invitation, or the page the requirement interrupted)."""

import base64
import hashlib
import io

import segno
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# The page to return to once the authenticator is set up: setting one up takes three pages
# (password, QR code, recovery codes), after which an invitation link would be lost.
RESUME_AFTER_SETUP = "echo_hub.resume_after_mfa_setup"


def _fernet() -> MultiFernet:
    """Keys derived from SECRET_KEY, then SECRET_KEY_FALLBACKS: after a key rotation, secrets
    stored under an old key still decrypt while that key is listed as a fallback."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"echo-hub.mfa-secrets:{key}".encode()).digest()))
            for key in keys
        ]
    )


class HubMFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Coordinators, hub experts and administrators must keep two-factor authentication on."
        ),
    }

    def build_totp_svg(self, url: str) -> str:
        # make_qr, not make: a short secret could otherwise become a Micro QR code that
        # authenticator apps cannot scan.
        code = segno.make_qr(url, error="m")
        svg = io.BytesIO()
        code.save(svg, kind="svg", xmldecl=False, svgns=True, scale=5, border=2, svgclass="totp-qr")
        return svg.getvalue().decode("utf-8")

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode("ascii")).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from .services import mfa_required

        if authenticator.type == Authenticator.Type.TOTP:
            return not mfa_required(authenticator.user)
        return True


def resume_after_setup(request: HttpRequest, path: str, *, keep_earlier: bool = False) -> None:
    """Come back to `path` (on this site) after setting up an authenticator. With
    `keep_earlier`, a page remembered before wins: the first page that was interrupted is
    the one the person wanted, not the favicon or menu links tried afterwards."""
    if keep_earlier and request.session.get(RESUME_AFTER_SETUP):
        return
    request.session[RESUME_AFTER_SETUP] = path


def pop_resume_after_setup(request: HttpRequest) -> str | None:
    path = request.session.pop(RESUME_AFTER_SETUP, None)
    if path and path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return None
