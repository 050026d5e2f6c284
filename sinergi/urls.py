from django.urls import path

from sinergi import views

app_name = "sinergi"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rencana-aksi/", views.plan_list, name="plan-list"),
    path("rencana-aksi/baru/", views.plan_new, name="plan-create"),
    path("rencana-aksi/impor/", views.plan_import, name="plan-import"),
    path("rencana-aksi/impor/laporan/", views.plan_import_report, name="plan-import-report"),
    path("rencana-aksi/setujui/", views.plan_bulk_approve, name="plan-bulk-approve"),
    path("rencana-aksi/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("rencana-aksi/<int:pk>/ubah/", views.plan_edit, name="plan-edit"),
    path("rencana-aksi/<int:pk>/ajukan/", views.plan_submit_view, name="plan-submit"),
    path("rencana-aksi/<int:pk>/setujui/", views.plan_approve_view, name="plan-approve"),
    path("rencana-aksi/<int:pk>/kembalikan/", views.plan_return_view, name="plan-return"),
    path("rencana-aksi/<int:pk>/realisasi/", views.realisation_create, name="realisation-create"),
    path("kesepakatan/", views.agreement_list, name="agreement-list"),
    path("kesepakatan/baru/", views.agreement_create_view, name="agreement-create"),
    path("kesepakatan/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("kesepakatan/<int:pk>/adendum/baru/", views.addendum_create, name="addendum-create"),
    path("adendum/", views.addendum_list, name="addendum-list"),
    path("adendum/<int:pk>/", views.addendum_detail, name="addendum-detail"),
    path("adendum/<int:pk>/setujui/", views.addendum_approve_view, name="addendum-approve"),
    path("adendum/<int:pk>/kembalikan/", views.addendum_return_view, name="addendum-return"),
]
