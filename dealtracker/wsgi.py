"""WSGI entry point (gunicorn dealtracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from dealtracker.startup import exit_on_config_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealtracker.settings")

with exit_on_config_error():
    application = get_wsgi_application()
