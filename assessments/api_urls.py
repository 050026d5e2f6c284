from rest_framework.routers import SimpleRouter

from assessments.api import AssessmentViewSet, InstrumentViewSet, TrajectoryViewSet

router = SimpleRouter()
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("trajectories", TrajectoryViewSet, basename="trajectory")

urlpatterns = router.urls
