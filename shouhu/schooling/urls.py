from django.urls import path

from . import absence_views, dropout_views, settings_views, views

app_name = "schooling"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template, name="template"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("schools/<int:pk>/export/", views.export, name="export"),
    path("schools/<int:pk>/rosters/<int:roster>/", views.roster_detail, name="roster"),
    path("schools/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("mismatches/", views.mine, name="mismatches"),
]
urlpatterns += dropout_views.urlpatterns
urlpatterns += absence_views.urlpatterns
urlpatterns += settings_views.urlpatterns
