from django.urls import path

from . import hukou_views, views

app_name = "quality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/<int:pk>/dismiss/", views.issue_dismiss, name="dismiss"),
    path("recheck/", views.recheck_now, name="recheck"),
    path("job/", views.job, name="job"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/", views.duplicate_detail, name="duplicate"),
    path("duplicates/<int:pk>/decide/", views.duplicate_decide, name="duplicate_decide"),
    path("duplicates/<int:pk>/undo/", views.duplicate_undo, name="duplicate_undo"),
    path("hukou/", hukou_views.hukou_start, name="hukou"),
    path("hukou/<uuid:uid>/", hukou_views.hukou_check, name="hukou_check"),
    path("hukou/<uuid:uid>/export/<str:which>.xlsx", hukou_views.hukou_export, name="hukou_export"),
    path("hukou/<uuid:uid>/delete/", hukou_views.hukou_delete, name="hukou_delete"),
]
