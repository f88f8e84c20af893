from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhicun.portal"
    verbose_name = "村民门户"

    def home_panels(self, request):
        from zhicun.portal.home import panels

        return panels(request)
