from rest_framework.routers import SimpleRouter

from sinergi.api import ActionPlanViewSet, MinistryViewSet

router = SimpleRouter()
router.register("ministries", MinistryViewSet, basename="ministry")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")

urlpatterns = router.urls
