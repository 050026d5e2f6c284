import gc
import os
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "napiter.settings")

app = Celery("napiter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def freeze_startup_objects(**kwargs: Any) -> None:
    """Each worker process loads the PDF libraries once, then moves everything loaded so far out of the
    garbage collector's reach. A full collection otherwise walks some 200,000 long-lived objects (Django,
    the apps, WeasyPrint, pyHanko) and stalls the document being rendered, by up to 200 ms on 2 cores."""
    from napiter.documents import rendering, signing  # noqa: F401 - imported for the freeze, not used here

    gc.collect()
    gc.freeze()
