#!/usr/bin/env python
import os
import sys

if sys.version_info < (3, 12):  # noqa: UP036 - python3 on PATH may be older than we declare
    sys.exit(
        "ACE Portal needs Python 3.12 or newer; run it through `make run` or .venv/bin/python."
    )


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ace_portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
