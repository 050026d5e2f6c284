from django.urls import path

from napiter.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.access_list, name="access-list"),
    path("perubahan/", views.change_list, name="change-list"),
]
