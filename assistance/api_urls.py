from rest_framework.routers import SimpleRouter

from assistance.api import GrantViewSet, ProgrammeViewSet

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("grants", GrantViewSet, basename="grant")

urlpatterns = router.urls
