from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/suggestions/", views.inspection_suggestions, name="inspection_suggestions"),
    path("inspections/<int:pk>/recheck/<int:fid>/", views.inspection_recheck, name="inspection_recheck"),
    path("inspections/<int:pk>/finish/", views.inspection_finish, name="inspection_finish"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/files/<int:fid>/", views.finding_file, name="finding_file"),
    path("accountability/", views.accountability, name="accountability"),
    path("scoreboard/", views.scoreboard, name="scoreboard"),
    path("scoreboard/freeze/", views.scoreboard_freeze, name="scoreboard_freeze"),
    path("scoreboard/settings/", views.scoreboard_settings, name="scoreboard_settings"),
]
