"""echo_hub/settings.py as a process started with a given environment loads it, read in this
process: the file runs again, in a module of its own, while os.environ holds exactly that
environment. A new Python process per case (a second each) is kept for what needs one:
manage.py's checks, collectstatic, gunicorn."""

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace

from django.conf import global_settings

SETTINGS = Path(__file__).resolve().parent.parent / "echo_hub" / "settings.py"


def settings_from(env: Mapping[str, str]) -> SimpleNamespace:
    """The settings loaded under `env`, over Django's defaults as django.conf does, but for
    Sentry's variables (Sentry would start reporting from this process). Raises what loading
    them raises."""
    spec = importlib.util.spec_from_file_location("echo_hub.settings_under_test", SETTINGS)
    module = importlib.util.module_from_spec(spec)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({name: value for name, value in env.items() if not name.startswith("SENTRY_")})
    try:
        spec.loader.exec_module(module)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return SimpleNamespace(
        **{
            name: getattr(source, name)
            for source in (global_settings, module)
            for name in dir(source)
            if name.isupper()
        }
    )
