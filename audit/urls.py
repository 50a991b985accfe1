from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events_view, name="events"),
    path("people/<int:user_id>/", views.person_view, name="person"),
    path("targets/<str:target_type>/<str:target_id>/", views.target_view, name="target"),
    path("export.csv", views.export_view, name="export"),
    path("chain/", views.chain_view, name="chain"),
    path("chain/export.zip", views.chain_export_view, name="chain_export"),
    path("kpis/", views.kpis_view, name="kpis"),
    path("alerts/<int:alert_id>/close/", views.alert_close_view, name="alert_close"),
    path("incidents/", views.incidents_view, name="incidents"),
    path("incidents/new/", views.incident_new_view, name="incident_new"),
    path("incidents/<int:incident_id>/", views.incident_view, name="incident"),
]
