"""The Zoom app's secrets (client secret, webhook secret token, the current access token) are
stored encrypted, as the authenticator secrets are (echo_hub.accounts.mfa): Fernet keys derived
from ZOOM_ENCRYPTION_KEY when set, else from SECRET_KEY and its fallbacks, so that a key
rotation keeps old rows readable while the old key is listed."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableSecret(Exception):
    """The stored secret was encrypted under a key that is no longer configured."""


def _fernet() -> MultiFernet:
    keys = [settings.ZOOM_ENCRYPTION_KEY] if settings.ZOOM_ENCRYPTION_KEY else []
    keys += [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"echo-hub.zoom-secrets:{key}".encode()).digest()))
            for key in keys
        ]
    )


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode("ascii") if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise UnreadableSecret("The stored Zoom secret cannot be read with the configured keys.") from None
