from django.urls import path

from records import custody_views, paper_views, rights_views, views

app_name = "records"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.new_view, name="new"),
    path("review/", views.review_queue_view, name="review_queue"),
    path("archive/", paper_views.catalogue_view, name="catalogue"),
    path("rights/", rights_views.rights_view, name="rights"),
    path("breach/<int:incident_id>/", rights_views.breach_view, name="breach"),
    path("rights/<int:request_id>/", rights_views.subject_request_view, name="subject_request"),
    path(
        "rights/<int:request_id>/letter.pdf",
        rights_views.subject_letter_view,
        name="subject_letter",
    ),
    path("<uuid:pk>/access-report/", rights_views.access_report_view, name="access_report"),
    path(
        "<uuid:pk>/access-report.pdf", rights_views.access_report_pdf_view, name="access_report_pdf"
    ),
    path("<uuid:pk>/paper/", paper_views.paper_view, name="paper"),
    path("<uuid:pk>/paper/cover.pdf", paper_views.cover_sheet_view, name="cover_sheet"),
    path("<uuid:pk>/", views.detail_view, name="detail"),
    path("<uuid:pk>/edit/", views.edit_view, name="edit"),
    path("<uuid:pk>/submit/", views.submit_view, name="submit"),
    path("<uuid:pk>/review/", views.review_view, name="review"),
    path("<uuid:pk>/reveal/", views.reveal_view, name="reveal"),
    path("<uuid:pk>/communications/", views.communication_view, name="communication"),
    path("<uuid:pk>/attachments/", views.attachment_add_view, name="attachment_add"),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_pk>/",
        views.attachment_view,
        name="attachment",
    ),
    path("<uuid:pk>/consent/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<uuid:pk>/transfer/", custody_views.offer_view, name="transfer"),
    path("<uuid:pk>/outcome/", views.outcome_view, name="outcome"),
]
