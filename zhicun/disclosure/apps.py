from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "zhicun.disclosure"
    verbose_name = "三务公开"

    def home_panels(self, request):
        from zhicun.disclosure.home import panels

        return panels(request)
