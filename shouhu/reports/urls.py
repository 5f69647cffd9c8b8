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
    path("national/", views.national_page, name="national"),
    path("national/submit/", views.national_submit, name="national_submit"),
    path("national/reopen/", views.national_reopen, name="national_reopen"),
    path("national/download/", views.national_download, name="national_download"),
]
