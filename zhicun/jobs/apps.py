from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhicun.jobs"
    verbose_name = "就业帮扶"

    def home_panels(self, request):
        from zhicun.jobs.home import panels

        return panels(request)
