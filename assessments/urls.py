from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.reviews_due, name="due"),
    path("efek-program/", views.programme_effect_view, name="effect"),
    path("orang/<int:pk>/", views.person_assessments, name="person"),
    path("orang/<int:pk>/mulai/", views.assessment_start_view, name="start"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/isi/", views.assessment_fill, name="fill"),
    path("<int:pk>/ubah/", views.assessment_amend_view, name="amend"),
    path("<int:pk>/asesor-kedua/", views.assessment_second_view, name="second"),
]
