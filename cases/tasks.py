from celery import shared_task


@shared_task(name="cases.purge_expired_grants")
def purge_expired_grants() -> int:
    from cases.services import person_grants_purge_expired

    return person_grants_purge_expired()
