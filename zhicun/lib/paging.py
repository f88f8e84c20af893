"""A page of rows and the total they are a page of, read in one statement."""

from django.db.models import Func, IntegerField, QuerySet, Subquery


def total_subquery(sql: str) -> str:
    """The total's subquery in the SQL of a page read by page_and_total (for tests)."""
    head = '(SELECT COUNT(*) AS "row_total" FROM'
    start = sql.index(head)
    return sql[start : sql.index(') AS "row_total" FROM', start + len(head))]


def page_and_total(counted: QuerySet, rows: QuerySet, offset: int, limit: int) -> tuple[int, list]:
    """Rows `offset` to `offset + limit` of `rows` and how many rows `counted` has (the same
    rows without the columns and joins only the page needs). The total is a scalar subquery
    the database evaluates once, beside the page, so it costs no round trip of its own and is
    counted from the same snapshot as the page. Only a page past the end, with no row to carry
    the total, is counted on its own."""
    # COUNT(*), not COUNT(id): a count that names no column can be read from an index alone.
    count = Func(template="COUNT(*)", output_field=IntegerField())
    total = counted.order_by().annotate(row_total=count)
    page = list(
        rows.annotate(row_total=Subquery(total.values("row_total")))[offset : offset + limit]
    )
    if page:
        first = page[0]
        return (first["row_total"] if isinstance(first, dict) else first.row_total), page
    return (counted.count() if offset else 0), page
