"""A list of short tags stored as one delimited string ("|低保|五保|"), queryable on any database.

`Person.objects.filter(groups__has="wubao")` is a LIKE '%|wubao|%' that works on SQLite and
PostgreSQL alike, without a join table per tag kind.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Lookup

SEP = "|"


def normalise_tags(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").replace(SEP, ",").split(",")
    seen: list[str] = []
    for v in values:
        v = str(v).strip()
        if v and v not in seen:
            seen.append(v)
    return seen


class TagsField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        if kwargs.get("max_length") == 300:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if isinstance(value, list):
            return value
        if not value:
            return []
        return [v for v in value.split(SEP) if v]

    def get_prep_value(self, value):
        tags = normalise_tags(value)
        return SEP + SEP.join(tags) + SEP if tags else ""

    def validate(self, value, model_instance):
        for tag in value or []:
            if SEP in tag:
                raise ValidationError(f"标签不能包含“{SEP}”")
        if self.choices:
            allowed = {str(k) for k, _ in self.flatchoices}
            bad = [t for t in value or [] if t not in allowed]
            if bad:
                raise ValidationError(f"未知的选项：{'、'.join(bad)}")

    def formfield(self, **kwargs):
        from django import forms

        if self.choices:
            return forms.MultipleChoiceField(
                choices=self.choices,
                required=False,
                label=self.verbose_name,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.CharField(
            required=False, label=self.verbose_name, help_text="多个用逗号分隔", **kwargs
        )

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj))


@TagsField.register_lookup
class HasTag(Lookup):
    lookup_name = "has"
    prepare_rhs = False  # the tag itself, not the stored "|a|b|" form

    def process_rhs(self, compiler, connection):
        return "%s", [f"%{SEP}{self.rhs}{SEP}%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


class EncryptedCharField(models.CharField):
    """A short sensitive string (ID number, phone) stored encrypted (zhicun.lib.crypto).

    Python code sees the plain value. `filter(field=v)` and `filter(field__in=[…])` compare the
    sibling blind-index column named by `index_field`, so lookups keep working unchanged.
    """

    def __init__(self, *args, index_field: str = "", **kwargs):
        self.index_field = index_field
        kwargs.setdefault("max_length", 120)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["index_field"] = self.index_field
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        from zhicun.lib.crypto import decrypt, is_encrypted

        if value and is_encrypted(value):
            return decrypt(value)
        return value

    def get_prep_value(self, value):
        from zhicun.lib.crypto import encrypt, is_encrypted

        value = super().get_prep_value(value)
        if not value or is_encrypted(value):
            return value or ""
        return encrypt(value)

    def get_prep_column(self, values: list) -> list[str]:
        """`get_prep_value` for a whole column (BulkWriter): the values encrypted together."""
        from zhicun.lib.crypto import encrypt_many, is_encrypted

        base = super().get_prep_value
        prepared = [base(value) or "" for value in values]
        todo = [i for i, value in enumerate(prepared) if value and not is_encrypted(value)]
        for i, stored in zip(todo, encrypt_many([prepared[i] for i in todo]), strict=True):
            prepared[i] = stored
        return prepared


class BlindIndexField(models.CharField):
    """HMAC of another field's plain value, kept up to date on every save (bulk_create too)."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("db_index", None) if self.db_index else kwargs.update(db_index=False)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        from zhicun.lib.crypto import blind_index

        value = blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value

    def pre_save_column(self, instances: list) -> list[str]:
        """`pre_save` for many instances at once (BulkWriter): their hashes made together."""
        from zhicun.lib.crypto import blind_indexes

        values = blind_indexes([getattr(obj, self.source) or "" for obj in instances])
        for obj, value in zip(instances, values, strict=True):
            setattr(obj, self.attname, value)
        return values


def _index_column(lookup, compiler):
    from django.db.models.expressions import Col

    field = lookup.lhs.target
    if not field.index_field:
        from django.core.exceptions import FieldError

        raise FieldError(f"{field.model.__name__}.{field.name} 没有检索摘要，不能按值查找")
    index = field.model._meta.get_field(field.index_field)
    return compiler.compile(Col(lookup.lhs.alias, index))


@EncryptedCharField.register_lookup
class EncryptedExact(Lookup):
    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        from zhicun.lib.crypto import blind_index

        sql, params = _index_column(self, compiler)
        return f"{sql} = %s", [*params, blind_index(self.rhs or "")]


@EncryptedCharField.register_lookup
class EncryptedIn(Lookup):
    lookup_name = "in"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        from django.core.exceptions import EmptyResultSet

        from zhicun.lib.crypto import blind_indexes

        values = blind_indexes([v or "" for v in self.rhs])
        if not values:
            raise EmptyResultSet
        sql, params = _index_column(self, compiler)
        if connection.vendor == "postgresql":
            # One array parameter: a long list is neither spelled out nor parsed value by value.
            return f"{sql} = ANY(%s)", [*params, values]
        return f"{sql} IN ({', '.join(['%s'] * len(values))})", [*params, *values]
