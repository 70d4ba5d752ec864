"""allauth.mfa adapted to the hub: the QR code is drawn inline (no data: URI for the Content
Security Policy to allow) and hub staff cannot switch their authenticator app off."""

import io

import segno
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator


class HubMFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
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

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from .services import mfa_required

        if authenticator.type == Authenticator.Type.TOTP:
            return not mfa_required(authenticator.user)
        return True
