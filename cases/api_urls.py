from rest_framework.routers import SimpleRouter

from cases.api import CaseViewSet, HouseholdViewSet, PersonViewSet

router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
router.register("households", HouseholdViewSet, basename="household")

urlpatterns = router.urls
