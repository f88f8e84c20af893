from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhicun.jobs"
    verbose_name = "就业帮扶"
