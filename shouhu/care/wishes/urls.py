from django.urls import path

from . import views

urlpatterns = [
    path("wishes/", views.wish_list, name="wishes"),
    path("wishes/new/<str:uid>/", views.wish_create, name="wish_create"),
    path("wishes/<int:pk>/claim/", views.wish_claim, name="wish_claim"),
    path("wishes/<int:pk>/fulfil/", views.wish_fulfil, name="wish_fulfil"),
    path("wishes/<int:pk>/cancel/", views.wish_cancel, name="wish_cancel"),
]
