from rest_framework.routers import SimpleRouter

from napiter.audit.api import AccessEventViewSet

router = SimpleRouter()
router.register("audit-events", AccessEventViewSet, basename="audit-event")

urlpatterns = router.urls
