from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "zhicun.dashboard"
    verbose_name = "指挥中心"
