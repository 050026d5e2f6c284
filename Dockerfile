# napiter production image: gunicorn (web), Celery worker and Celery beat share it; docker/entrypoint.sh
# picks the process from the first argument. Build: `docker compose build`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_MANIFEST=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/var/media

# WeasyPrint lays out text with Pango and subsets fonts with HarfBuzz: the packages `make run` asks for
# (napiter/devservices.py, PDF_LIBRARIES). The documents' fonts ship with the code (napiter/documents/fonts);
# fontconfig's configuration package still brings fonts-dejavu-core as a dependency, which is then only
# the fallback for a character Noto Sans lacks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 napiter \
    && useradd --system --uid 10001 --gid napiter --home-dir /app --no-create-home --shell /usr/sbin/nologin napiter

WORKDIR /app

# Dependencies in their own layer, rebuilt only when pyproject.toml changes. The project's code runs
# from /app (PYTHONPATH), so installing the project here installs its dependencies.
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

COPY . .

# Hashed, compressed static files baked into the image (whitenoise serves them). The secret key here
# lives only for this command; running containers read theirs from DJANGO_SECRET_KEY_FILE.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R napiter:napiter /app/var \
    && chmod 0755 docker/entrypoint.sh

# Code and static files stay root-owned and read-only to the app; only /app/var (media, beat schedule)
# is writable. Docker copies this ownership into an empty named volume mounted at /app/var/media.
USER napiter
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
