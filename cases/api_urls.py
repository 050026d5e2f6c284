from rest_framework.routers import SimpleRouter

from cases.api import CaseViewSet, PersonViewSet

router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
