import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
application = get_wsgi_application()

from anju.core.fieldkeys import field_key_problems  # noqa: E402  (needs the apps loaded)

# Refuse to start rather than answer 500 on every page with personal data (see core/fieldkeys.py).
if _problems := field_key_problems():
    raise ImproperlyConfigured("\n".join(_problems))
