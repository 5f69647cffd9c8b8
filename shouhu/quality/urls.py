from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/<int:pk>/dismiss/", views.issue_dismiss, name="dismiss"),
    path("recheck/", views.recheck_now, name="recheck"),
]
