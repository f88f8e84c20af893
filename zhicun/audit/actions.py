"""Names of audited actions, shown to auditors in Chinese."""

LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "reveal": "查看敏感信息",
    "export": "导出",
    "export.request": "申请导出",
    "export.approve": "批准导出",
    "export.reject": "驳回导出",
    "export.expire": "导出申请过期",
    "import": "导入",
    "unit.move": "区划调整",
    "unit.import": "导入区划",
    "post.grant": "授予岗位",
    "post.revoke": "撤销岗位",
    "lockout": "账号锁定",
    "unlock": "解除锁定",
    "password.change": "修改密码",
    "user.disable": "停用账号",
    "user.enable": "启用账号",
    "session.end": "强制下线",
    "otp.enroll": "绑定动态口令",
    "otp.verify_failed": "动态口令错误",
    "lookup": "精确查找",
    "token.issue": "签发接口令牌",
    "token.revoke": "吊销接口令牌",
    "open311.register": "登记第三方应用",
    "open311.revoke": "停用第三方应用",
    "open311.submit": "第三方应用提交事件",
}


def label(action: str) -> str:
    return LABELS.get(action, action)
