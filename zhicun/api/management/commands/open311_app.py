"""Register, list and stop the third-party applications that may post Open311 requests."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhicun.accounts.models import User
from zhicun.api.models import Open311Application
from zhicun.api.services import open311_app_register, open311_app_revoke


class Command(BaseCommand):
    help = "登记、列出或停用 Open311 第三方应用（密钥只在登记时显示一次）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        add = sub.add_parser("add", help="登记应用并签发密钥")
        add.add_argument("name")
        add.add_argument("--contact", default="")
        add.add_argument("--by", required=True, help="执行登记的系统管理员账号")
        sub.add_parser("list", help="列出已登记的应用")
        stop = sub.add_parser("revoke", help="停用应用的密钥")
        stop.add_argument("name")
        stop.add_argument("--by", required=True, help="执行停用的系统管理员账号")

    def _admin(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有账号 {username}")
        return user

    def handle(self, *args, **options):
        try:
            if options["what"] == "add":
                app, key = open311_app_register(
                    by=self._admin(options["by"]), name=options["name"], contact=options["contact"]
                )
                self.stdout.write(f"已登记“{app.name}”。密钥（只显示这一次）：{key}")
            elif options["what"] == "revoke":
                app = Open311Application.objects.filter(name=options["name"]).first()
                if app is None:
                    raise CommandError(f"没有应用“{options['name']}”")
                open311_app_revoke(by=self._admin(options["by"]), app=app)
                self.stdout.write(f"已停用“{app.name}”")
            else:
                for app in Open311Application.objects.all():
                    state = "有效" if app.active else "已停用"
                    self.stdout.write(
                        f"{app.name}\t{app.prefix}…\t{state}\t已提交 {app.requests_made} 件"
                    )
        except (ValidationError, PermissionDenied) as e:
            raise CommandError("；".join(getattr(e, "messages", [str(e)]))) from None
