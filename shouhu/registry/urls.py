from django.urls import path

from . import agreement_views, settings_views, views

app_name = "registry"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.child_create, name="create"),
    path("class-options/", views.class_options, name="class_options"),
    path("settings/", settings_views.county_settings, name="settings"),
    path("<str:uid>/", views.child_detail, name="detail"),
    path("<str:uid>/edit/", views.child_edit, name="edit"),
    path("<str:uid>/print/", views.child_print, name="print"),
    path("<str:uid>/agreement/", views.child_file, {"field": "agreement_file"}, name="agreement"),
    path("<str:uid>/agreement/print/", agreement_views.agreement_print, name="agreement_print"),
    path("<str:uid>/agreement/upload/", agreement_views.agreement_upload, name="agreement_upload"),
    path("<str:uid>/photo/", views.child_file, {"field": "photo"}, name="photo"),
]
