#!/bin/sh
# Container entry point: `web`, `worker`, `beat`, or any command to exec as is.
set -eu

cmd="${1:-web}"
if [ "$#" -gt 0 ]; then
    shift
fi

case "$cmd" in
    web)
        python manage.py migrate --noinput
        exec gunicorn -c gunicorn.conf.py echo_hub.wsgi:application "$@"
        ;;
    # Celery logs JSON lines through Django's LOGGING; LOG_LEVEL sets the level.
    worker)
        exec celery -A echo_hub worker "$@"
        ;;
    beat)
        exec celery -A echo_hub beat -s /tmp/celerybeat-schedule "$@"
        ;;
    *)
        exec "$cmd" "$@"
        ;;
esac
