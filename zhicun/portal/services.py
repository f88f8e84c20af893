"""Villager sign-up (matched against the register, confirmed by a one-time code) and the
corrections villagers report about their household."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicun.accounts.logins import as_mobile, villager_username
from zhicun.accounts.models import User
from zhicun.audit.services import audit_record
from zhicun.lib.idnumber import parse_id_number
from zhicun.lib.masking import mask_phone
from zhicun.lib.pii import check_no_personal_data
from zhicun.portal.models import CorrectionRequest, CorrectionStatus, SignupCode, Villager
from zhicun.registry.choices import ACTIVE
from zhicun.registry.models import Person
from zhicun.units.models import Kind

CODE_TTL = dt.timedelta(minutes=10)
RESEND_AFTER = dt.timedelta(seconds=60)
PER_PHONE_PER_DAY = 5
PER_IP_PER_HOUR = 20
MAX_ATTEMPTS = 5

NO_MATCH = "姓名与身份证号码不匹配，或不是在册居民。请核对后重试，或联系村委会"


def normalise_phone(phone: str) -> str:
    mobile = as_mobile(phone)
    if mobile is None:
        raise ValidationError({"phone": "请填写正确的 11 位手机号码"})
    return mobile


def signup_match(*, phone: str, name: str, id_number: str) -> tuple[str, Person]:
    """The person an applicant claims to be, or one refusal that does not reveal whether the
    ID number is on the register."""
    phone = normalise_phone(phone)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    try:
        number = parse_id_number(id_number).number
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages[0]}) from None
    person = (
        Person.objects.filter(id_number=number, residence__in=ACTIVE, died_on__isnull=True)
        .select_related("household", "hamlet")
        .first()
    )
    if person is None or person.name != name:
        raise ValidationError(NO_MATCH)
    if Villager.objects.filter(person=person).exists():
        raise ValidationError("该居民已注册账号，请直接登录；如非本人注册，请联系村委会")
    taken = Villager.objects.filter(phone=phone).exists()
    if taken or User.objects.filter(username=villager_username(phone)).exists():
        raise ValidationError({"phone": "该手机号已注册账号，请直接登录"})
    return phone, person


def _hash(code: str, phone: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _send_code(phone: str, code: str) -> None:
    """Through the notification outbox: SMS where configured, else the log channel."""
    if not apps.is_installed("zhicun.notify"):
        return
    from zhicun.notify.models import Channel, Message

    channel = Channel.SMS if Channel.SMS in settings.ZHICUN_NOTIFY_CHANNELS else Channel.LOG
    now = timezone.now()
    Message.objects.create(
        channel=channel,
        address=phone,
        subject="智村注册验证码",
        body=f"您的验证码是 {code}，10 分钟内有效。如非本人操作，请忽略。",
        created_at=now,
        next_attempt_at=now,
    )


def signup_request_code(
    *, phone: str, name: str, id_number: str, ip: str | None = None
) -> SignupCode:
    """Match the applicant, then send a one-time code; rate-limited per phone and per address.
    The returned record carries the plain code in `.plain_code` (never stored)."""
    phone, person = signup_match(phone=phone, name=name, id_number=id_number)
    now = timezone.now()
    with transaction.atomic():
        recent = SignupCode.objects.select_for_update().filter(phone=phone)
        last = recent.order_by("-created_at").first()
        if last is not None and now - last.created_at < RESEND_AFTER:
            wait = int((RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
            raise ValidationError(f"验证码已发送，请 {wait} 秒后再试")
        if recent.filter(created_at__gte=now - dt.timedelta(days=1)).count() >= PER_PHONE_PER_DAY:
            raise ValidationError("该手机号今天获取验证码次数过多，请明天再试")
        if ip and (
            SignupCode.objects.filter(ip=ip, created_at__gte=now - dt.timedelta(hours=1)).count()
            >= PER_IP_PER_HOUR
        ):
            raise ValidationError("请求过于频繁，请稍后再试")
        code = f"{secrets.randbelow(10**6):06d}"
        record = SignupCode.objects.create(
            phone=phone,
            person=person,
            code_hash=_hash(code, phone),
            ip=ip,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        _send_code(phone, code)
        audit_record(
            actor=None,
            actor_name=mask_phone(phone),
            action="villager.code",
            obj=person,
            details={"phone": mask_phone(phone)},
        )
    record.plain_code = code
    return record


def signup_confirm(*, signup: SignupCode, code: str, password: str) -> User:
    """Check the code and create the account tied to the person (and so their household)."""
    now = timezone.now()
    refusal = None
    with transaction.atomic():
        current = (
            SignupCode.objects.select_for_update()
            .select_related("person__hamlet")
            .get(pk=signup.pk)
        )
        if current.used_at is not None:
            refusal = ValidationError("该验证码已使用，请重新注册")
        elif current.expires_at < now:
            refusal = ValidationError({"code": "验证码已过期，请重新获取"})
        elif current.attempts >= MAX_ATTEMPTS:
            refusal = ValidationError({"code": "验证码错误次数过多，请重新获取"})
        elif not hmac.compare_digest(current.code_hash, _hash((code or "").strip(), current.phone)):
            # Counted in a block that commits, so the refusal cannot undo the count.
            SignupCode.objects.filter(pk=current.pk).update(attempts=current.attempts + 1)
            left = MAX_ATTEMPTS - current.attempts - 1
            refusal = ValidationError({"code": f"验证码不正确，还可尝试 {left} 次"})
    if refusal is not None:
        raise refusal
    person = current.person
    # Named by a keyed hash of the phone: the number itself is not the username.
    user = User(
        username=villager_username(current.phone), full_name=person.name, phone=current.phone
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    village = next(u for u in person.hamlet.ancestors() if u.kind == Kind.VILLAGE)
    try:
        with transaction.atomic():
            if Villager.objects.filter(person=person).exists():
                raise ValidationError("该居民已注册账号，请直接登录")
            user.set_password(password)
            user.save()
            villager = Villager.objects.create(
                user=user, person=person, village=village, phone=current.phone, verified_at=now
            )
            SignupCode.objects.filter(pk=current.pk).update(used_at=now)
            audit_record(
                actor=user,
                action="villager.signup",
                obj=villager,
                unit_code=person.hamlet.code,
                details={"person": person.pk},
            )
    except IntegrityError:
        raise ValidationError("该居民或手机号已注册账号，请直接登录") from None
    return user


def correction_report(*, by: User, content: str, person: Person | None = None) -> CorrectionRequest:
    villager = getattr(by, "villager", None)
    if villager is None:
        raise PermissionDenied("只有实名认证的村民可以申请更正")
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": "请说明哪里需要更正"})
    if len(content) > 1000:
        raise ValidationError({"content": "内容不能超过 1000 字"})
    household = villager.person.household
    if person is not None and person.household_id != household.pk:
        raise ValidationError({"person": "只能为本户成员申请更正"})
    with transaction.atomic():
        request = CorrectionRequest.objects.create(
            villager=villager, household=household, person=person, content=content
        )
        audit_record(actor=by, action="villager.correction", obj=request)
    return request


def correction_handle(
    *, by: User, request: CorrectionRequest, status: str, reply: str = ""
) -> CorrectionRequest:
    """The collector closes the task: corrected in the register, or nothing to change."""
    if not by.can("registry.edit", request.household.hamlet.code):
        raise PermissionDenied("您的岗位无权处理该户的更正申请")
    if status not in (CorrectionStatus.DONE, CorrectionStatus.REJECTED):
        raise ValidationError({"status": "请选择处理结果"})
    reply = (reply or "").strip()
    if status == CorrectionStatus.REJECTED and not reply:
        raise ValidationError({"reply": "请说明无需更正的理由"})
    check_no_personal_data([("处理说明", reply)])
    with transaction.atomic():
        current = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != CorrectionStatus.OPEN:
            raise ValidationError("该申请已处理")
        current.status, current.reply = status, reply[:300]
        current.handled_by, current.handled_at = by, timezone.now()
        current.save(update_fields=["status", "reply", "handled_by", "handled_at"])
        audit_record(
            actor=by, action="villager.correction_handle", obj=current, details={"status": status}
        )
    request.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return request
