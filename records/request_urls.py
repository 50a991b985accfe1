from django.urls import path

from records import request_views as views

app_name = "requests"

urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("borrow/", views.borrow_view, name="borrow"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("desk/", views.desk_view, name="desk"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/cancel/", views.cancel_view, name="cancel"),
    path("<int:pk>/hand-out/", views.hand_out_view, name="hand_out"),
]
