from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhicun.accounts"
    verbose_name = "账号与岗位"

    def ready(self) -> None:
        from zhicun.accounts import signals  # noqa: F401
