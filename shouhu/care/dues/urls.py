from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path("settings/", views.care_settings, name="settings"),
]
