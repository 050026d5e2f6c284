"""Celery tasks of the document pipeline: thin, idempotent, ids in, services do the work."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import DatabaseError

# A document task survives a killed worker (acknowledged only when done, redelivered if the worker dies)
# and a database restart (retried with backoff); the services make a repeat harmless.
DURABLE: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(bind=True, name="documents.render", **DURABLE)
def document_render_task(self: Any, document_id: int) -> None:
    from napiter.documents.services import document_render

    document_render(document_id=document_id, task_id=self.request.id or "")


@shared_task(name="documents.sign", **DURABLE)
def document_sign_task(document_id: int, user_id: int) -> None:
    """One signature asked for in a batch; see `document_sign_queued`."""
    from napiter.documents.services import document_sign_queued

    document_sign_queued(document_id=document_id, user_id=user_id)


@shared_task(name="documents.requeue_stuck", ignore_result=True)
def documents_requeue_stuck_task() -> int:
    from napiter.documents.services import documents_requeue_stuck

    return documents_requeue_stuck()
