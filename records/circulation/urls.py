from django.urls import path

from records.circulation.views import break_glass as break_glass_views
from records.circulation.views import custody as custody_views
from records.circulation.views import pledges as pledge_views
from records.circulation.views import requests as views
from records.circulation.views import sharing as share_views

app_name = "requests"

urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("borrow/", views.borrow_view, name="borrow"),
    path("copy/", views.copy_view, name="copy"),
    path("share/", share_views.share_view, name="share"),
    path("parties/", share_views.parties_view, name="parties"),
    path("parties/new/", share_views.party_edit_view, name="party_new"),
    path("parties/<int:party_id>/", share_views.party_edit_view, name="party_edit"),
    path("parties/<int:party_id>/nda/", share_views.party_nda_view, name="party_nda"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("desk/", views.desk_view, name="desk"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/form.pdf", views.form_pdf_view, name="form_pdf"),
    path("<int:pk>/cancel/", views.cancel_view, name="cancel"),
    path("<int:pk>/hand-out/", views.hand_out_view, name="hand_out"),
    path("<int:pk>/copy/download/", views.copy_download_view, name="copy_download"),
    path("<int:pk>/copy/destroyed/", views.copy_destroyed_view, name="copy_destroyed"),
    path("<int:pk>/share/link/", share_views.create_link_view, name="share_create_link"),
    path("break-glass/", break_glass_views.open_view, name="break_glass"),
    path("break-glass/reviews/", break_glass_views.reviews_view, name="break_glass_reviews"),
    path(
        "break-glass/<int:break_glass_id>/close/",
        break_glass_views.close_view,
        name="break_glass_close",
    ),
    path("incoming/", custody_views.incoming_view, name="incoming"),
    path("incoming/<int:transfer_id>/accept/", custody_views.accept_view, name="accept"),
    path("incoming/<int:transfer_id>/decline/", custody_views.decline_view, name="decline"),
    path("handover/", custody_views.handover_view, name="handover"),
    path("pledge/", pledge_views.mine_view, name="my_pledge"),
    path("pledges/prepare/", pledge_views.prepare_view, name="pledge_prepare"),
    path("pledges/<int:pledge_id>/scan/", pledge_views.scan_view, name="pledge_scan"),
    path("pledges/<int:pledge_id>/pledge.pdf", pledge_views.pdf_view, name="pledge_pdf"),
    path(
        "handover/<int:handover_id>/",
        custody_views.handover_detail_view,
        name="handover_detail",
    ),
    path(
        "handover/<int:handover_id>/sheet.pdf",
        custody_views.handover_sheet_view,
        name="handover_sheet",
    ),
]
