from django.urls import path

from disposal import views

app_name = "disposal"

urlpatterns = [
    path("", views.batches_view, name="batches"),
    path("batches/<int:batch_id>/", views.batch_view, name="batch"),
    path("batches/<int:batch_id>/certificate.pdf", views.certificate_view, name="certificate"),
    path("holds/", views.holds_view, name="holds"),
    path("holds/<int:hold_id>/release/", views.release_view, name="release"),
    path("policies/", views.policies_view, name="policies"),
]
