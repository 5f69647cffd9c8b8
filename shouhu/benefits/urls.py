from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.index, name="index"),
    path("missing/", views.missing, name="missing"),
    path("grants/", views.grants, name="grants"),
    path("grants/<int:pk>/", views.grant_detail, name="grant"),
    path("child/<uuid:uid>/grant/", views.grant_new, name="grant_new"),
    path("child/<uuid:uid>/apply/", views.application_new, name="application_new"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("settings/", views.settings_page, name="settings"),
    path("funds/", views.funds, name="funds"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/vouchers/<int:sid>/", views.voucher, name="voucher"),
    path("rolls/", views.rolls, name="rolls"),
    path("rolls/<int:pk>/", views.roll_detail, name="roll"),
    path("rolls/<int:pk>/discard/", views.roll_discard, name="roll_discard"),
]
