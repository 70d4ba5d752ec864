#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echo_hub.settings")
    if "SECRET_KEY" not in os.environ:
        # A checkout with no configuration is a developer's machine: run commands in
        # DEBUG there. Production sets SECRET_KEY (the WSGI app refuses to start without it).
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
