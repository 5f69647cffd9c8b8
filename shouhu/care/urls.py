from django.urls import path

from . import views
from .urls_records import urlpatterns as records_urls

app_name = "care"
urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/<str:uid>/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/photos/<int:photo>/", views.visit_photo, name="visit_photo"),
    path("contacts/new/<str:uid>/", views.contact_create, name="contact_create"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/missing/", views.campaign_missing, name="campaign_missing"),
    path("settings/", views.care_settings, name="settings"),
    *records_urls,
]
