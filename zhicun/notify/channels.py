"""Delivery channels: log (default), WeCom group-robot webhook, e-mail and SMS.

A channel's `send(message)` returns normally on success and raises `DeliveryError` otherwise;
the outbox decides about retries.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from zhicun.lib.masking import mask_phone

log = logging.getLogger("zhicun.notify")


class DeliveryError(Exception):
    pass


def send_log(message) -> None:
    log.info("通知 %s → %s：%s", message.channel, message.address, message.subject)


def send_wecom(message) -> None:
    url = message.address or settings.ZHICUN_WECOM_WEBHOOK_URL
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("未配置企业微信群机器人地址")
    payload = {"msgtype": "text", "text": {"content": f"{message.subject}\n{message.body}"}}
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        timeout = settings.ZHICUN_NOTIFY_TIMEOUT
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            answer = json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise DeliveryError(f"企业微信接口不可用：{e}") from e
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"企业微信返回错误：{answer.get('errcode')} {answer.get('errmsg', '')}")


def send_email(message) -> None:
    if not message.address:
        raise DeliveryError("接收人没有电子邮箱")
    try:
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.address],
            fail_silently=False,
        )
    except Exception as e:
        raise DeliveryError(f"邮件发送失败：{e}") from e


class LogSmsGateway:
    """The SMS interface: a real gateway implements `send(phone, text)` the same way."""

    def send(self, phone: str, text: str) -> None:
        log.info("短信 → %s：%s", mask_phone(phone), text)


def send_sms(message) -> None:
    if not message.address:
        raise DeliveryError("接收人没有手机号")
    gateway = import_string(settings.ZHICUN_SMS_GATEWAY)()
    try:
        gateway.send(message.address, f"{message.subject}：{message.body}"[:300])
    except Exception as e:
        raise DeliveryError(f"短信发送失败：{e}") from e


SENDERS = {"log": send_log, "wecom": send_wecom, "email": send_email, "sms": send_sms}


def send(message) -> None:
    SENDERS[message.channel](message)
