"""Writing many new rows fast: PostgreSQL `COPY`, plain `executemany` elsewhere.

Rows are ordinary unsaved model instances, so every field prepares its own value exactly as
`save()` would: `pre_save` (timestamps, blind indexes) and `get_db_prep_save` (encryption, tags);
automatic timestamps are taken once per write, so the rows of one write share them, and a field
that can prepare a whole column at once (`pre_save_column`, `get_prep_column`: keyed hashes,
encryption) is asked to.
Primary keys are reserved up front, so related rows can point at each other before anything is
written; foreign keys are checked at commit (Django creates them deferrable), so the rows of one
transaction may be written in any order.

Ids come from the table's sequence on PostgreSQL, so writers may run side by side; on SQLite
(one writer at a time) they follow the highest id.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from operator import attrgetter

from django.db import connections, models

# Fields whose Python value PostgreSQL's COPY takes as it is (exact types: subclasses such as
# the encrypted and tag fields prepare their own values).
PLAIN = {
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.DecimalField,
    models.DurationField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.SmallIntegerField,
    models.TextField,
}


PREPARATION = ("get_prep_value", "get_db_prep_value", "get_db_prep_save")


@cache
def _stored_as_is(field: models.Field) -> bool:
    """Whether PostgreSQL's COPY takes the field's value as it is: a PLAIN field, or one that
    prepares its value exactly as the PLAIN field it extends (it may still derive the value
    in `pre_save`)."""
    kind = type(field)
    base = next((k for k in kind.__mro__ if k in PLAIN), None)
    return base is not None and all(
        getattr(kind, name) is getattr(base, name) for name in PREPARATION
    )


def _by_value(field: models.Field) -> bool:
    """Whether the field stores `get_prep_value(value)`, whatever the database: Django's own
    connection-level preparation is left as it is."""
    kind = type(field)
    return (
        kind.get_db_prep_value is models.Field.get_db_prep_value
        and kind.get_db_prep_save is models.Field.get_db_prep_save
    )


class BulkWriter:
    def __init__(self, using: str = "default"):
        self.connection = connections[using]
        self.postgres = self.connection.vendor == "postgresql"

    def reserve_ids(self, model: type[models.Model], objs: Sequence[models.Model]) -> None:
        """Give each object without a primary key the next id of its table."""
        todo = [o for o in objs if o.pk is None]
        if not todo:
            return
        table, pk = model._meta.db_table, model._meta.pk.column
        with self.connection.cursor() as cursor:
            if self.postgres:
                # Each nextval() is atomic, so concurrent writers never get the same id.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, pk, len(todo)],
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:
                qn = self.connection.ops.quote_name
                cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")  # noqa: S608  # nosec B608
                last = cursor.fetchone()[0]
                ids = range(last + 1, last + 1 + len(todo))
        for obj, pk_value in zip(todo, ids, strict=True):
            obj.pk = pk_value

    def write(
        self,
        model: type[models.Model],
        objs: Sequence[models.Model],
        meanwhile: Callable[[], None] | None = None,
    ) -> int:
        """Insert `objs` (ids reserved if missing) in the current transaction.

        `meanwhile` runs once every row is sent and before the database has stored them all: on
        PostgreSQL the work it does (no queries: the connection is busy) overlaps the
        database's."""
        if not objs:
            if meanwhile is not None:
                meanwhile()
            return 0
        self.reserve_ids(model, objs)
        fields = model._meta.concrete_fields
        columns = [f.column for f in fields]
        getters = [self._getter(f, objs[0]) for f in fields]
        ready = [
            (i, values)
            for i, f in enumerate(fields)
            if (values := self._column(f, objs)) is not None
        ]
        for i, _values in ready:
            getters[i] = _nothing
        rows = self._rows(objs, getters, ready)
        if self.postgres:
            self._copy(model._meta.db_table, columns, rows, meanwhile)
        else:
            self._insert(model._meta.db_table, columns, rows, meanwhile)
        return len(objs)

    def write_rows(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[Sequence],
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """Insert rows of values already as the database stores them (see `preparer`), in the
        order of `columns`, in the current transaction. Ids are the caller's; `meanwhile` as
        for `write`."""
        if self.postgres:
            self._copy(model._meta.db_table, list(columns), rows, meanwhile)
        else:
            self._insert(model._meta.db_table, list(columns), rows, meanwhile)

    def preparer(self, field: models.Field) -> Callable[[object], object] | None:
        """How to turn a Python value of `field` into what the database stores, as `save()`
        would after `pre_save`; None when the value is stored as it is."""
        if self.postgres and _stored_as_is(field):
            return None
        connection = self.connection

        def prepared(value):
            return field.get_db_prep_save(value, connection)

        return prepared

    def _getter(self, field: models.Field, first: models.Model) -> Callable[[models.Model], object]:
        """How to read the value to store: as it is, or prepared as `save()` would. An
        automatic timestamp is taken once for the whole write (from the first object)."""
        connection = self.connection
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = field.pre_save(first, True)
            stored = value if self.postgres else field.get_db_prep_save(value, connection)
            attname = field.attname

            def stamped(obj):
                setattr(obj, attname, value)
                return stored

            return stamped
        if self.postgres and type(field) in PLAIN:
            return attrgetter(field.attname)
        if self.postgres and _stored_as_is(field):
            return partial(field.pre_save, add=True)  # a derived value, such as a blind index
        if _by_value(field) and type(field).pre_save is models.Field.pre_save:
            # Django's get_db_prep_save comes down to get_prep_value here (encryption, tags).
            prepare, read = field.get_prep_value, attrgetter(field.attname)
            return lambda obj: prepare(read(obj))

        def prepared(obj):
            return field.get_db_prep_save(field.pre_save(obj, True), connection)

        return prepared

    def _column(self, field: models.Field, objs: Sequence[models.Model]) -> list | None:
        """A whole column's stored values, from a field that prepares many values at once (keyed
        hashes, encryption: their setup is paid once); None for the others."""
        if hasattr(field, "pre_save_column"):
            values = field.pre_save_column(objs)
            if self.postgres and _stored_as_is(field):
                return values
            return [field.get_db_prep_save(v, self.connection) for v in values]
        if (
            hasattr(field, "get_prep_column")
            and _by_value(field)
            and type(field).pre_save is models.Field.pre_save
        ):
            return field.get_prep_column([getattr(obj, field.attname) for obj in objs])
        return None

    def _rows(self, objs: Sequence[models.Model], getters, ready: list[tuple[int, list]]):
        for n, obj in enumerate(objs):
            row = self._row(obj, getters)
            for i, values in ready:
                row[i] = values[n]
            yield row

    def _row(self, obj: models.Model, getters) -> list:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        return [get(obj) for get in getters]

    def _copy(self, table: str, columns: list[str], rows: Iterable[list], meanwhile) -> None:
        from psycopg import sql
        from psycopg.copy import QueuedLibpqWriter

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.connection.cursor() as cursor:
            # The queued writer sends from a thread of its own, so this one formats the rows
            # and then does `meanwhile` while the server is still reading them.
            writer = QueuedLibpqWriter(cursor.cursor)
            with cursor.cursor.copy(statement, writer=writer) as copy:
                for row in rows:
                    copy.write_row(row)
                if meanwhile is not None:
                    meanwhile()

    def _insert(self, table: str, columns: list[str], rows: Iterable[list], meanwhile) -> None:
        qn = self.connection.ops.quote_name
        statement = (
            f"INSERT INTO {qn(table)} ({', '.join(map(qn, columns))}) "  # noqa: S608  # nosec B608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch: list[list] = []
        with self.connection.cursor() as cursor:
            for row in rows:
                batch.append(row)
                if len(batch) == 2000:
                    cursor.executemany(statement, batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
        if meanwhile is not None:
            meanwhile()


def _nothing(obj):
    return None
