"""The long-running worker: each tick runs the apps' periodic jobs and delivers the outbox.

Several workers may run at once: every job claims its rows with a compare-and-swap.
"""

import signal
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from zhicun.notify.services import deliver_due


def worker_tasks():
    """(name, callable) pairs from every app config that offers `worker_tasks()`."""
    for config in apps.get_app_configs():
        provider = getattr(config, "worker_tasks", None)
        if provider is not None:
            yield from provider()


class Command(BaseCommand):
    help = "后台任务：扫描事件与代办红黄灯、过期的导出申请，并发送通知（--once 只运行一轮）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="运行一轮后退出")
        parser.add_argument("--interval", type=int, default=settings.ZHICUN_WORKER_INTERVAL)

    def handle(self, *args, **options):
        self.stopping = False
        if not options["once"]:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
            self.stdout.write("后台任务已启动")
        while True:
            if not options["once"]:
                close_old_connections()
            self.tick(verbose=options["verbosity"] > 1 or options["once"])
            if options["once"] or self.stopping:
                return
            for _ in range(options["interval"] * 10):
                if self.stopping:
                    return
                time.sleep(0.1)

    def stop(self, *_):
        self.stopping = True

    def tick(self, verbose: bool = False) -> None:
        for name, task in worker_tasks():
            try:
                done = task()
            except Exception as e:  # one failing job must not stop the others
                self.stderr.write(f"{name} 出错：{e}")
                continue
            if verbose or done:
                self.stdout.write(f"{name}：{done}")
        counts = deliver_due()
        if verbose or any(counts.values()):
            self.stdout.write(
                f"通知：发送 {counts['sent']}，待重试 {counts['retry']}，失败 {counts['failed']}"
            )
