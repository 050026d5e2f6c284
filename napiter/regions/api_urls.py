from rest_framework.routers import SimpleRouter

from napiter.regions.api import RegionViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")

urlpatterns = router.urls
