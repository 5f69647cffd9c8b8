from django.urls import path

from . import views

urlpatterns = [
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/<str:uid>/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/photos/<int:photo>/", views.visit_photo, name="visit_photo"),
    path("contacts/new/<str:uid>/", views.contact_create, name="contact_create"),
    path("queue/", views.queue, name="queue"),
    path("queue/token/", views.queue_token, name="queue_token"),
]
