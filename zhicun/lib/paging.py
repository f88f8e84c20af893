"""A page of rows and the total they are a page of, read in one statement."""

from django.db.models import F, Func, QuerySet, Subquery


def page_and_total(counted: QuerySet, rows: QuerySet, offset: int, limit: int) -> tuple[int, list]:
    """Rows `offset` to `offset + limit` of `rows` and how many rows `counted` has (the same
    rows without the columns and joins only the page needs). The total is a scalar subquery
    the database evaluates once, beside the page, so it costs no round trip of its own and is
    counted from the same snapshot as the page. Only a page past the end, with no row to carry
    the total, is counted on its own."""
    total = counted.order_by().annotate(row_total=Func(F("pk"), function="COUNT"))
    page = list(
        rows.annotate(row_total=Subquery(total.values("row_total")))[offset : offset + limit]
    )
    if page:
        first = page[0]
        return (first["row_total"] if isinstance(first, dict) else first.row_total), page
    return (counted.count() if offset else 0), page
