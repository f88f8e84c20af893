from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "zhicun.ops"
    verbose_name = "运维"
