from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("schools/", views.school_list, name="schools"),
    path("schools/new/", views.school_edit, name="school_new"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:school_pk>/classes/new/", views.class_edit, name="class_new"),
    path("schools/<int:school_pk>/classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
]
