from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "shouhu.places"
    label = "places"
    verbose_name = "阵地建设"
