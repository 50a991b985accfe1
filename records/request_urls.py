from django.urls import path

from records import request_views as views

app_name = "requests"

urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("borrow/", views.borrow_view, name="borrow"),
    path("copy/", views.copy_view, name="copy"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("desk/", views.desk_view, name="desk"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/cancel/", views.cancel_view, name="cancel"),
    path("<int:pk>/hand-out/", views.hand_out_view, name="hand_out"),
    path("<int:pk>/copy/download/", views.copy_download_view, name="copy_download"),
    path("<int:pk>/copy/destroyed/", views.copy_destroyed_view, name="copy_destroyed"),
]
