from django.apps import AppConfig


class ErrandsConfig(AppConfig):
    name = "zhicun.errands"
    verbose_name = "代办服务"

    def home_panels(self, request):
        from zhicun.errands.home import panels

        return panels(request)

    def worker_tasks(self):
        from zhicun.errands.services import sweep_lights

        return [("代办红黄灯", sweep_lights)]
