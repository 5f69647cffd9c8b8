from django.urls import path

from . import views

app_name = "protection"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
]
