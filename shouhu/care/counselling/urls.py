from django.urls import path

from . import views

urlpatterns = [
    path("counselling/", views.counselling_list, name="counselling"),
    path("counselling/new/<str:uid>/", views.counselling_create, name="counselling_create"),
    path("counselling/<int:pk>/", views.counselling_detail, name="counselling_detail"),
]
