from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhicun.cases"
    verbose_name = "民情事件"

    def ready(self):
        from zhicun.cases.models import Holiday
        from zhicun.lib import workdays

        workdays.set_override_source(
            lambda: dict(Holiday.objects.values_list("date", "is_workday"))
        )

    def home_panels(self, request):
        from zhicun.cases.home import panels

        return panels(request)

    def worker_tasks(self):
        """Periodic jobs the notify worker runs on every tick."""
        from zhicun.cases.services import sweep_lights

        return [("事件红黄灯", sweep_lights)]
