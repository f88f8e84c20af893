from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "zhicun.exports"
    verbose_name = "导出审批"

    def home_panels(self, request):
        from zhicun.exports.home import panels

        return panels(request)

    def worker_tasks(self):
        """Periodic jobs the notify worker runs on every tick."""
        from zhicun.exports.services import expire_due

        return [("导出申请过期", expire_due)]
