# Production image: gunicorn serves the web app (static files through whitenoise); the same image runs
# the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --create-home --home-dir /app --shell /usr/sbin/nologin dealtracker
WORKDIR /app

COPY pyproject.toml requirements.lock README.md ./
COPY dealtracker ./dealtracker
COPY deals ./deals
RUN pip install -c requirements.lock .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
# collectstatic needs settings but no database or secrets of the real deployment.
RUN DEALTRACKER_ENV=production SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@build/build STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput

USER dealtracker
EXPOSE 8000
CMD ["gunicorn", "dealtracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
