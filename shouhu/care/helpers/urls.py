from django.urls import path

from . import views

urlpatterns = [
    path("helpers/", views.helper_list, name="helpers"),
    path("helpers/new/", views.helper_create, name="helper_create"),
    path("helpers/<int:pk>/", views.helper_detail, name="helper_detail"),
    path("helpers/<int:pk>/edit/", views.helper_edit, name="helper_edit"),
    path("helpers/<int:pk>/trainings/", views.training_add, name="training_add"),
    path("helpers/<int:pk>/services/", views.service_add, name="service_add"),
    path("pairings/new/<str:uid>/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
]
