from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("ekspor/", views.dashboard_export, name="export"),
    path("provinsi/", views.provinces, name="provinces"),
    path("provinsi/ekspor/", views.provinces_export, name="provinces-export"),
    path("laporan/", views.report_list, name="report-list"),
    path("laporan/baru/", views.report_create, name="report-create"),
    path("laporan/<int:pk>/", views.report_detail, name="report-detail"),
    path("laporan/<int:pk>/ajukan/", views.report_request, name="report-request"),
]
