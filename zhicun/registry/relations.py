"""Re-deriving relations (GB/T 4761) when the head of a household changes.

Only when the user asks. Covers the usual hand-overs — to the spouse or to a child of the old
head; a relation that cannot be derived becomes 97 (其他亲属) and is listed for review.
"""

SPOUSE = {"10", "11", "12"}
SON = {str(c) for c in range(20, 28)} | {"29"}
DAUGHTER = {str(c) for c in range(30, 38)} | {"39"}
CHILD = SON | DAUGHTER
CHILD_IN_LAW = {"28", "38"}
GRANDCHILD = {str(c) for c in range(40, 45)} | {"49"}
PARENT = {"50", "51", "52", "57", "58", "59"}


def _parent_of(sex: str) -> str:
    return "51" if sex == "1" else "52"


def _sibling(sex: str, older: bool) -> str:
    if sex == "1":
        return "71" if older else "73"
    return "75" if older else "77"


def _child(sex: str) -> str:
    return "20" if sex == "1" else "30"


def _spouse(sex: str) -> str:
    return "11" if sex == "1" else "12"


def rederive(new_head, members) -> tuple[dict[int, str], list]:
    """New relation codes for `members` (excluding the new head), and those left for review."""
    pivot = new_head.relation  # the new head's relation to the old head
    result: dict[int, str] = {}
    review = []
    for m in members:
        if m.pk == new_head.pk:
            continue
        r = m.relation
        new = None
        if pivot in SPOUSE:
            if r == "02":
                new = _spouse(m.sex)
            elif r in CHILD | CHILD_IN_LAW | GRANDCHILD:
                new = r
            elif r in ("51", "52"):
                in_laws = (
                    {"51": "53", "52": "54"} if new_head.sex == "2" else {"51": "55", "52": "56"}
                )
                new = in_laws[r]
        elif pivot in CHILD:
            if r == "02" or r in SPOUSE:
                new = _parent_of(m.sex)
            elif r in CHILD:
                new = _sibling(m.sex, older=m.birth_date < new_head.birth_date)
            elif r in CHILD_IN_LAW and _is_spouse_of_child(m, new_head):
                new = _spouse(m.sex)
            elif r in GRANDCHILD:
                new = None  # whose child? ask the user
            elif r in PARENT:
                new = "61" if m.sex == "1" else "62"
        if new is None:
            new = "97"
            review.append(m)
        result[m.pk] = new
    return result, review


def _is_spouse_of_child(member, new_head) -> bool:
    # A 儿媳 (38) becomes the new head's wife when the new head is a son, and a 女婿 (28) the
    # husband when the new head is a daughter; otherwise it is a sibling-in-law.
    return (member.relation == "38" and new_head.sex == "1") or (
        member.relation == "28" and new_head.sex == "2"
    )
