from django.urls import path

from napiter.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("pilihan/", views.options, name="options"),
]
