from django.urls import path

from audits.reporting.public import views

app_name = "transparency"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.force_page, name="force"),
    path("<str:code>/deployments.csv", views.force_csv, name="csv"),
    path("<str:code>/deployments.json", views.force_json, name="json"),
]
