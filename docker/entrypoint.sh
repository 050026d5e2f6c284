#!/usr/bin/env bash
# Entrypoint of the napiter image. The first argument names the process this container runs:
#   web     prepare the database (wait, migrate, regions, roles), then gunicorn on :8000
#   worker  Celery worker
#   beat    Celery beat: exactly one per deployment, or periodic tasks run twice
# Anything else runs as given, e.g. `docker compose run --rm web python manage.py createsuperuser`.
set -euo pipefail
cd /app

role="${1:-web}"
case "$role" in
  web)
    # migrate --noinput, load_regions and sync_roles, under a database lock (see release.py)
    python docker/release.py
    # --worker-tmp-dir: gunicorn's heartbeat files on tmpfs; on the container's overlay filesystem a
    # slow disk can make healthy workers look dead.
    exec gunicorn napiter.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --timeout 60 \
      --worker-tmp-dir /dev/shm \
      --access-logfile - \
      --error-logfile -
    ;;
  worker)
    python docker/release.py --wait-only
    # Replace each pool process after 50 tasks: WeasyPrint's memory grows with the pages rendered.
    exec celery -A napiter worker --loglevel "${LOG_LEVEL:-INFO}" --max-tasks-per-child 50
    ;;
  beat)
    python docker/release.py --wait-only
    exec celery -A napiter beat --loglevel "${LOG_LEVEL:-INFO}" --schedule /app/var/celerybeat-schedule
    ;;
  *)
    exec "$@"
    ;;
esac
