from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "zhicun.notify"
    verbose_name = "消息通知"
