from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shouhu.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from . import security  # noqa: F401  (the logout signal: API tokens die with the session)
