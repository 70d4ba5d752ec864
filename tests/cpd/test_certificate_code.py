"""A certificate's verification code: random, URL-safe, and never starting with "-" or "_"."""

import re
import secrets

from cpd.models import new_certificate_code
from echo_hub.lib.csv_export import safe_cell


def test_a_code_is_32_url_safe_characters_starting_with_a_letter_or_digit():
    codes = {new_certificate_code() for _ in range(3000)}
    assert len(codes) == 3000
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{31}", code) for code in codes)
    # Of 3,000 draws from secrets.token_urlsafe, about 94 would start with "-" or "_".
    assert all(safe_cell(code) == code for code in codes)


def test_a_draw_starting_with_a_hyphen_or_underscore_is_drawn_again(monkeypatch):
    draws = iter(
        [
            "-Q3qhrpmMrGmAFbt5xp8bSLYTm2tueCm",
            "_b7Yc2Nd-Ue5Wf9Gh1JmQ3Vt8kZpL0aXb",
            "q3Vt8kZpL0aXb7_Yc2Nd-Ue5Wf9Gh1Jm",
        ]
    )
    monkeypatch.setattr(secrets, "token_urlsafe", lambda nbytes: next(draws))
    assert new_certificate_code() == "q3Vt8kZpL0aXb7_Yc2Nd-Ue5Wf9Gh1Jm"
