"""Choice lists of the registry that are not national code tables (those live in lib/codes)."""

from django.db import models


class HouseholdResidence(models.TextChoices):
    RESIDENT = "resident", "常住"
    AWAY = "away", "外出"
    NOMINAL = "nominal", "空挂户"


class HousingSafety(models.TextChoices):
    SAFE = "safe", "安全"
    BASIC = "basic", "基本安全"
    C = "c", "C级危房"
    D = "d", "D级危房"
    UNKNOWN = "unknown", "未鉴定"


class HouseholdTag(models.TextChoices):
    DIBAO = "dibao", "低保户"
    WUBAO = "wubao", "五保户"
    TEKUN = "tekun", "特困户"
    TUOPIN = "tuopin", "脱贫户"
    JIANCE = "jiance", "监测户"
    JUNLIE = "junlie", "军烈属"


class Residence(models.TextChoices):
    RESIDENT = "resident", "常住"
    AWAY_WORK = "away_work", "外出务工"
    AWAY_STUDY = "away_study", "外出就学"
    INFLOW = "inflow", "流入"
    MOVED_OUT = "moved_out", "迁出"
    DEAD = "dead", "死亡"


# Persons actually living in the village.
LIVING = (Residence.RESIDENT, Residence.INFLOW)
# Persons still on the register (ID numbers must be unique among them).
ACTIVE = (Residence.RESIDENT, Residence.AWAY_WORK, Residence.AWAY_STUDY, Residence.INFLOW)


class Religion(models.TextChoices):
    NONE = "none", "无"
    BUDDHISM = "buddhism", "佛教"
    TAOISM = "taoism", "道教"
    ISLAM = "islam", "伊斯兰教"
    CATHOLIC = "catholic", "天主教"
    CHRISTIAN = "christian", "基督教"
    OTHER = "other", "其他"


class Employment(models.TextChoices):
    NONE = "none", "未就业"
    FARMING = "farming", "务农"
    LOCAL = "local", "本地务工"
    MIGRANT = "migrant", "外出务工"
    SELF = "self", "个体经营"
    PUBLIC_POST = "public_post", "公益岗位"
    STUDENT = "student", "在校学生"
    RETIRED = "retired", "退休"
    OTHER = "other", "其他"


EMPLOYED = (
    Employment.FARMING,
    Employment.LOCAL,
    Employment.MIGRANT,
    Employment.SELF,
    Employment.PUBLIC_POST,
)


class SpecialGroup(models.TextChoices):
    DISABLED = "disabled", "残疾人"
    WUBAO = "wubao", "五保"
    DIBAO = "dibao", "低保"
    TEKUN = "tekun", "特困"
    EMPTY_NEST = "empty_nest", "空巢老人"
    ALONE = "alone", "独居老人"
    LEFT_CHILD = "left_child", "留守儿童"
    LEFT_WOMAN = "left_woman", "留守妇女"
    LEFT_ELDER = "left_elder", "留守老人"
    VETERAN = "veteran", "退役军人"
    MONITORED = "monitored", "重点监测"


class MoveKind(models.TextChoices):
    OUT = "out", "流出"
    IN = "in", "流入"
    RETURN = "return", "返乡"


class MoveReason(models.TextChoices):
    WORK = "work", "务工"
    STUDY = "study", "就学"
    MEDICAL = "medical", "就医"
    FAMILY = "family", "探亲"
    MARRIAGE = "marriage", "婚嫁"
    OTHER = "other", "其他"


class VisitKind(models.TextChoices):
    ROUTINE = "routine", "日常走访"
    KEY = "key", "重点必访"
    POLICY = "policy", "政策宣传"
    EPIDEMIC = "epidemic", "疫情排查"
