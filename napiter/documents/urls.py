from django.urls import path

from napiter.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("minta/", views.document_request_view, name="request"),
    path("tandatangani/", views.document_sign_batch_view, name="sign-batch"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/tandatangani/", views.document_sign_view, name="sign"),
    path("<int:pk>/lihat/", views.document_preview_view, name="preview"),
    path("<int:pk>/unduh/", views.document_download_view, name="download"),
]
