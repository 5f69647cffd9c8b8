from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.monthly, name="monthly"),
    path("submit/", views.submit, name="submit"),
    path("reopen/", views.reopen, name="reopen"),
    path("status/", views.status, name="status"),
    path("remind/", views.remind, name="remind"),
    path("download/", views.download, name="download"),
]
