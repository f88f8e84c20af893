from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "zhicun.units"
    verbose_name = "行政区划与网格"
