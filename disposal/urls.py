from django.urls import path

from disposal import views

app_name = "disposal"

urlpatterns = [
    path("", views.batches_view, name="batches"),
    path("batches/<int:batch_id>/", views.batch_view, name="batch"),
    path("batches/<int:batch_id>/execute/", views.execute_view, name="execute"),
    path("batches/<int:batch_id>/certificate.pdf", views.certificate_view, name="certificate"),
    path("batches/<int:batch_id>/list.pdf", views.list_pdf_view, name="list_pdf"),
    path("holds/", views.holds_view, name="holds"),
    path("holds/<int:hold_id>/release/", views.release_view, name="release"),
    path("policies/", views.policies_view, name="policies"),
    path("processing/", views.processing_view, name="processing"),
    path("processing/<int:version>/", views.processing_view, name="processing_version"),
    path("processing/<int:version>.json", views.processing_export_view, name="processing_export"),
]
