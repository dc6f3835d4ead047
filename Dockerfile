# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=selvhjelp.settings.prod

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 selvhjelp

WORKDIR /app
COPY pyproject.toml README.md ./
COPY selvhjelp ./selvhjelp
COPY accounts ./accounts
COPY core ./core
COPY groups ./groups
COPY decisions ./decisions
COPY organisations ./organisations
COPY places ./places
COPY interest ./interest
COPY pledges ./pledges
COPY joining ./joining
COPY meetings ./meetings
COPY notifications ./notifications
COPY monitoring ./monitoring
COPY directory ./directory
COPY feedback ./feedback
COPY board ./board
COPY privacy ./privacy
COPY demo ./demo
RUN pip install .
COPY . .

# collectstatic needs settings that import; these values exist only at build time.
RUN SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost SELVHJELP_VAR_DIR=/tmp/build-var \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R selvhjelp /app/var

USER selvhjelp
EXPOSE 8000
CMD ["gunicorn", "selvhjelp.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--access-logformat", "%(t)s \"%(m)s %(U)s\" %(s)s %(b)s %(M)sms"]
