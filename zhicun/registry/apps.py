from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhicun.registry"
    verbose_name = "人口信息"

    def home_panels(self, request):
        from zhicun.registry.home import panels

        return panels(request)
