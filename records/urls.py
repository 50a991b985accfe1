from django.urls import include, path

from records import paper_views, views
from records.api import pages as api_pages
from records.circulation.views import custody as custody_views
from records.imports import views as import_views
from records.inventory import views as inventory_views
from records.ops import views as ops_views
from records.printed import views as printed_views
from records.reports import views as report_views

app_name = "records"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.new_view, name="new"),
    path("review/", views.review_queue_view, name="review_queue"),
    path("archive/", paper_views.catalogue_view, name="catalogue"),
    path("inventory/", inventory_views.rounds_view, name="inventory"),
    path("inventory/<int:round_id>/", inventory_views.round_view, name="inventory_round"),
    path("inventory/<int:round_id>/close/", inventory_views.close_view, name="inventory_close"),
    path(
        "inventory/<int:round_id>/worksheet.pdf",
        inventory_views.worksheet_view,
        name="inventory_worksheet",
    ),
    path(
        "inventory/<int:round_id>/report.pdf",
        inventory_views.report_view,
        {"file_format": "pdf"},
        name="inventory_pdf",
    ),
    path(
        "inventory/<int:round_id>/report.xlsx",
        inventory_views.report_view,
        {"file_format": "xlsx"},
        name="inventory_xlsx",
    ),
    path("integrations/", api_pages.clients_view, name="api_clients"),
    path("integrations/<int:client_id>/revoke/", api_pages.revoke_view, name="api_revoke"),
    path("alerts/robots/", ops_views.robots_view, name="robots"),
    path("alerts/robots/<int:robot_id>/test/", ops_views.robot_test_view, name="robot_test"),
    path("alerts/robots/<int:robot_id>/remove/", ops_views.robot_remove_view, name="robot_remove"),
    path("reports/", report_views.report_view, name="reports"),
    path("reports/report.pdf", report_views.export_view, {"file_format": "pdf"}, name="report_pdf"),
    path(
        "reports/report.xlsx",
        report_views.export_view,
        {"file_format": "xlsx"},
        name="report_xlsx",
    ),
    path("imports/", import_views.imports_view, name="imports"),
    path(
        "imports/template.xlsx",
        import_views.template_view,
        {"file_format": "xlsx"},
        name="import_xlsx",
    ),
    path(
        "imports/template.csv",
        import_views.template_view,
        {"file_format": "csv"},
        name="import_csv",
    ),
    path("imports/<uuid:import_id>/", import_views.batch_view, name="import"),
    path("imports/<uuid:import_id>/act/", import_views.batch_action_view, name="import_act"),
    path("imports/<uuid:import_id>/rejected.csv", import_views.rejects_view, name="import_rejects"),
    path("imports/<uuid:import_id>/approve/", import_views.approve_view, name="import_approve"),
    path("", include("records.rights.urls")),
    path("<uuid:pk>/paper/", paper_views.paper_view, name="paper"),
    path("<uuid:pk>/paper/cover.pdf", paper_views.cover_sheet_view, name="cover_sheet"),
    path("<uuid:pk>/registration.pdf", printed_views.registration_view, name="registration_form"),
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
    # Offering the file to a colleague starts on the file page; the transfer is circulation's.
    path("<uuid:pk>/transfer/", custody_views.offer_view, name="transfer"),
    path("<uuid:pk>/outcome/", views.outcome_view, name="outcome"),
]
