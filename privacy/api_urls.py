from rest_framework.routers import SimpleRouter

from privacy.api import DataCategoryViewSet, SubjectRequestViewSet

router = SimpleRouter()
router.register("privacy/data-categories", DataCategoryViewSet, basename="data-category")
router.register("privacy/subject-requests", SubjectRequestViewSet, basename="subject-request")

urlpatterns = router.urls
