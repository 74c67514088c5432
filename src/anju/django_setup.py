"""Set Django up for a command-line entry point (the `anju` sub-commands of every capability).

It lives below the apps so that a capability's `cli.py` imports downwards, never from `platform_cli`.
"""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
