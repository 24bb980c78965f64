#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["validate_package"]:
        # The submitters' check needs neither settings nor a database: skip Django's start-up.
        from submissions.checker.cli import main as check

        sys.exit(check(sys.argv[2:], prog="manage.py validate_package"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import load_settings_or_exit

    load_settings_or_exit()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
