from rest_framework.routers import SimpleRouter

from sinergi.api import ActionPlanViewSet, AddendumViewSet, MinistryViewSet

router = SimpleRouter()
router.register("ministries", MinistryViewSet, basename="ministry")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("addenda", AddendumViewSet, basename="addendum")

urlpatterns = router.urls
