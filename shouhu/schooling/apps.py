from django.apps import AppConfig


class SchoolingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shouhu.schooling"
    verbose_name = "学籍名册"
