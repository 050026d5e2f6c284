from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_list, name="request-list"),
    path("orang/<int:pk>/permintaan/", views.request_create, name="request-create"),
    path("orang/<int:pk>/tahan/", views.hold_place, name="hold-place"),
    path("permintaan/<int:pk>/", views.request_detail, name="request-detail"),
    path("permintaan/<int:pk>/ekspor/", views.request_export, name="request-export"),
    path("permintaan/<int:pk>/ekspor.json", views.request_export_json, name="request-export-json"),
    path("permintaan/<int:pk>/tutup/", views.request_close, name="request-close"),
    path("catatan-pemrosesan/", views.ropa, name="ropa"),
    path("catatan-pemrosesan/<int:pk>/ubah/", views.category_edit, name="category-edit"),
    path("retensi/", views.retention, name="retention"),
    path("retensi/jalankan/", views.retention_run, name="retention-run"),
    path("penahanan/<int:pk>/cabut/", views.hold_lift, name="hold-lift"),
    path("insiden/", views.breach_list, name="breach-list"),
    path("insiden/baru/", views.breach_create, name="breach-create"),
    path("insiden/<int:pk>/", views.breach_detail, name="breach-detail"),
    path("insiden/<int:pk>/terkirim/", views.breach_notified, name="breach-notified"),
]
