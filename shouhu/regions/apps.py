from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "shouhu.regions"
    label = "regions"
    verbose_name = "行政区划与学校"
