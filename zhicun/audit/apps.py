from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhicun.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from zhicun.audit import signals  # noqa: F401
