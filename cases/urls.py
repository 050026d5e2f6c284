from django.urls import path

from cases import views, views_data, views_workflow

app_name = "cases"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("daftar/", views.person_create, name="person-create"),
    path("mirip/", views.person_similar, name="person-similar"),
    path("periksa/", views.person_check, name="person-check"),
    path("kunjungan/periksa/", views.visit_check, name="visit-check"),
    path("impor/", views_data.person_import_view, name="person-import"),
    path("impor/templat/", views_data.person_import_template_view, name="person-import-template"),
    path("impor/laporan/", views_data.person_import_report_view, name="person-import-report"),
    path("ekspor/", views_data.person_export_view, name="person-export"),
    path("dtsen/", views_data.dtsen_import_view, name="dtsen-import"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/buka/", views.person_reveal_view, name="person-reveal"),
    path("<int:pk>/foto/", views.person_photo_view, name="person-photo"),
    path("<int:pk>/foto/ganti/", views.person_photo_upload_view, name="person-photo-upload"),
    path("kunjungan/foto/<int:pk>/", views.visit_photo_view, name="visit-photo"),
    path("<int:pk>/kasus-baru/", views.case_open_view, name="case-open"),
    path("kasus/<int:pk>/", views.case_detail, name="case-detail"),
    path("kasus/<int:pk>/tahap/", views.case_transition_view, name="case-transition"),
    path("kasus/<int:pk>/tutup/", views.case_close_view, name="case-close"),
    path("kasus/<int:pk>/kunjungan/", views.visit_create_view, name="visit-create"),
    path("kasus/<int:pk>/catatan/", views.note_create_view, name="note-create"),
    path("kasus/<int:pk>/rencana/", views.case_plan_view, name="case-plan"),
    path("jatuh-tempo/", views_workflow.due_list, name="due-list"),
    path("kasus/<int:pk>/rujuk/", views_workflow.referral_create_view, name="referral-create"),
    path("kasus/<int:pk>/rujukan/tanggapi/", views_workflow.referral_respond_view, name="referral-respond"),
    path("kasus/<int:pk>/rujukan/selesai/", views_workflow.referral_complete_view, name="referral-complete"),
    path("kasus/<int:pk>/pindah/", views_workflow.transfer_request_view, name="transfer-request"),
    path("kasus/<int:pk>/pindah/terima/", views_workflow.transfer_accept_view, name="transfer-accept"),
    path("kasus/<int:pk>/pindah/tolak/", views_workflow.transfer_decline_view, name="transfer-decline"),
    path("kasus/<int:pk>/pindah/batal/", views_workflow.transfer_cancel_view, name="transfer-cancel"),
]
