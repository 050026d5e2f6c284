from django.urls import path

from assistance import views

app_name = "assistance"

urlpatterns = [
    path("", views.grant_list, name="grant-list"),
    path("ekspor/", views.grant_export, name="grant-export"),
    path("pemantauan/", views.monitoring_due, name="monitoring-due"),
    path("program/", views.programme_list, name="programme-list"),
    path("program/<int:pk>/", views.programme_detail, name="programme-detail"),
    path("usul/<int:pk>/", views.grant_create, name="grant-create"),
    path("<int:pk>/", views.grant_detail, name="grant-detail"),
    path("<int:pk>/verifikasi/", views.grant_verify_view, name="grant-verify"),
    path("<int:pk>/tetapkan/", views.grant_approve_view, name="grant-approve"),
    path("<int:pk>/tolak/", views.grant_reject_view, name="grant-reject"),
    path("<int:pk>/batal/", views.grant_cancel_view, name="grant-cancel"),
    path("<int:pk>/salurkan/", views.grant_deliver_view, name="grant-deliver"),
    path("<int:pk>/pantau/", views.grant_monitor_view, name="grant-monitor"),
    path("<int:pk>/peringatan/", views.grant_alert_acknowledge_view, name="grant-alert-acknowledge"),
    path("<int:pk>/foto/", views.grant_photo_view, name="grant-photo"),
    path("<int:pk>/tanda-tangan/", views.grant_signature_view, name="grant-signature"),
    path("pemantauan/<int:pk>/foto/", views.monitoring_photo_view, name="monitoring-photo"),
]
