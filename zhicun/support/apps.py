from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "zhicun.support"
    verbose_name = "帮扶监测"

    def home_panels(self, request):
        from zhicun.support.home import panels

        return panels(request)
