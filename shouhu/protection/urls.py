from django.urls import path

from . import case_views, guardianship_views, settings_views, views

app_name = "protection"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
    path("alerts/<int:pk>/escalate/", views.alert_escalate, name="alert_escalate"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/call/", views.report_call, name="report_call"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/receive/", views.report_receive, name="report_receive"),
    path("reports/<int:pk>/feedback/", views.report_feedback, name="report_feedback"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/open/", case_views.case_open, name="case_open"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/plan/<int:pk>/done/", case_views.plan_done, name="plan_done"),
    path("cases/glass/<uuid:child>/", case_views.case_glass, name="case_glass"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/items/", views.item_list, name="items"),
    path("meetings/items/<int:pk>/done/", views.item_done, name="item_done"),
    path("settings/", settings_views.time_limits, name="settings"),
]
urlpatterns += guardianship_views.urlpatterns
