"""Customer-rights pages, included under /records/ in the ``records`` namespace (their names
predate the wing: records:rights, records:access_report, ...)."""

from django.urls import path

from records.rights import views

urlpatterns = [
    path("rights/", views.rights_view, name="rights"),
    path("breach/<int:incident_id>/", views.breach_view, name="breach"),
    path("rights/<int:request_id>/", views.subject_request_view, name="subject_request"),
    path("rights/<int:request_id>/letter.pdf", views.subject_letter_view, name="subject_letter"),
    path("<uuid:pk>/access-report/", views.access_report_view, name="access_report"),
    path("<uuid:pk>/access-report.pdf", views.access_report_pdf_view, name="access_report_pdf"),
]
