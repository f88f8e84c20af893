from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhicun.api"
    verbose_name = "数据接口"

    def ready(self) -> None:
        from zhicun.api import signals  # noqa: F401
