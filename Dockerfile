FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango, HarfBuzz and a font for WeasyPrint (certificates, recommendation letters); gettext
# compiles the French catalogue at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root; the app user only writes to media/.
COPY . .
RUN SECRET_KEY=build-time-only-not-secret python manage.py collectstatic --noinput \
    && SECRET_KEY=build-time-only-not-secret python manage.py compilemessages --ignore .venv \
    && mkdir -p /app/media \
    && chown app:app /app/media \
    && chmod 0755 /app/docker/entrypoint.sh

USER app

EXPOSE 8000

# `web` migrates then serves, `worker` and `beat` start Celery; anything else runs as given.
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "echo_hub.wsgi:application"]
