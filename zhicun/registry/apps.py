from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhicun.registry"
    verbose_name = "人口信息"

    def ready(self):
        from zhicun.exports.kinds import register
        from zhicun.registry.excel.export import PERSONS

        register(PERSONS)

    def home_panels(self, request):
        from zhicun.registry.home import panels

        return panels(request)
