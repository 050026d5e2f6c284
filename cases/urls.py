from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("daftar/", views.person_create, name="person-create"),
    path("mirip/", views.person_similar, name="person-similar"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/buka/", views.person_reveal_view, name="person-reveal"),
    path("<int:pk>/kasus-baru/", views.case_open_view, name="case-open"),
    path("kasus/<int:pk>/", views.case_detail, name="case-detail"),
    path("kasus/<int:pk>/tahap/", views.case_transition_view, name="case-transition"),
    path("kasus/<int:pk>/tutup/", views.case_close_view, name="case-close"),
    path("kasus/<int:pk>/kunjungan/", views.visit_create_view, name="visit-create"),
    path("kasus/<int:pk>/catatan/", views.note_create_view, name="note-create"),
]
