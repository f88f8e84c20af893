from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "zhicun.exports"
    verbose_name = "导出审批"

    def home_panels(self, request):
        from zhicun.exports.home import panels

        return panels(request)
