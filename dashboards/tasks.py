from celery import shared_task


@shared_task(name="dashboards.generate_periodic_reports", ignore_result=True)
def generate_periodic_reports() -> int:
    from django.utils import timezone

    from dashboards.services import periodic_reports_generate

    return periodic_reports_generate(today=timezone.localdate())


@shared_task(name="dashboards.warm_national", ignore_result=True)
def warm_national() -> int:
    from django.utils import timezone

    from dashboards.cache import warm_national as warm

    return warm(timezone.localdate())
