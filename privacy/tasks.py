"""Celery tasks of the privacy module: thin, ids in, the services do the work."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="privacy.subject_export", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def subject_export(request_id: int, user_id: int) -> None:
    """Build a subject access export. Not retried automatically: a failure is recorded on the request,
    which the officer sees and can start again."""
    from privacy.services import subject_export_build

    subject_export_build(request_id=request_id, user_id=user_id)


@shared_task(name="privacy.apply_retention", ignore_result=True)
def apply_retention() -> int:
    """The daily retention run: anonymise what has passed its retention period; returns how many people."""
    from privacy.services import retention_apply

    return len(retention_apply().anonymised)
