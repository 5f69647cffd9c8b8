"""URLs of the people and records pages (helpers, pairing, wishes, activities, counselling)."""
from django.urls import path

from . import views_records as v

urlpatterns: list = [
    path("helpers/", v.helper_list, name="helpers"),
    path("helpers/new/", v.helper_create, name="helper_create"),
    path("helpers/<int:pk>/", v.helper_detail, name="helper_detail"),
    path("helpers/<int:pk>/edit/", v.helper_edit, name="helper_edit"),
    path("helpers/<int:pk>/trainings/", v.training_add, name="training_add"),
    path("helpers/<int:pk>/services/", v.service_add, name="service_add"),
    path("pairings/new/<str:uid>/", v.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/end/", v.pairing_end, name="pairing_end"),
    path("wishes/", v.wish_list, name="wishes"),
    path("wishes/new/<str:uid>/", v.wish_create, name="wish_create"),
    path("wishes/<int:pk>/claim/", v.wish_claim, name="wish_claim"),
    path("wishes/<int:pk>/fulfil/", v.wish_fulfil, name="wish_fulfil"),
    path("wishes/<int:pk>/cancel/", v.wish_cancel, name="wish_cancel"),
    path("activities/", v.activity_list, name="activities"),
    path("activities/new/", v.activity_create, name="activity_create"),
    path("activities/<int:pk>/", v.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/participants/", v.activity_participants, name="activity_participants"),
    path("counselling/", v.counselling_list, name="counselling"),
    path("counselling/new/<str:uid>/", v.counselling_create, name="counselling_create"),
    path("counselling/<int:pk>/", v.counselling_detail, name="counselling_detail"),
]
