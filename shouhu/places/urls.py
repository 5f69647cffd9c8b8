from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.place_new, name="new"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("<int:pk>/edit/", views.place_edit, name="edit"),
    path("<int:pk>/act/", views.place_act, name="act"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:fid>/", views.photo, name="photo"),
    path("<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("parent-school/", views.parent_school, name="parent_school"),
    path("coverage/", views.coverage, name="coverage"),
    path("settings/", views.settings_page, name="settings"),
]
