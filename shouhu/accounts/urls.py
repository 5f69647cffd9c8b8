from django.urls import path

from . import signin, views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="users"),
    path("locks/", signin.lockouts, name="lockouts"),
    path("locks/unlock/", signin.unlock, name="unlock"),
    path("new/", views.user_create, name="user_new"),
    path("<int:pk>/", views.user_detail, name="user"),
    path("<int:pk>/active/", views.user_toggle_active, name="user_active"),
    path("<int:pk>/assignments/<int:assignment_pk>/delete/", views.assignment_delete, name="assignment_delete"),
]
