"""Who exported a file and when, written into the file itself.

.xlsx: the document properties — 作者 (creator) is the exporting user, 创建时间 the export time,
标题 what was exported, 备注 (description) "导出人：…；导出时间：…；用途：…"; the same three are
also custom properties 导出人 / 导出时间 / 用途.

.csv: the first line is one CSV field starting with "#":
    # 导出人：赵晓燕（grid1）；导出时间：2025-06-01 10:00:00 +0800；用途：核对医保参保名单
and the column headers follow on the second line. Commas, quotes and line breaks in the text are
replaced so the line stays a single plain field. Readers skip one line (pandas
`read_csv(skiprows=1)`); the registry importer finds the header row itself.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def _one_line(text: str) -> str:
    text = _UNSAFE.sub(" ", text or "").replace(",", "，").replace('"', "＂")
    return " ".join(text.split())


@dataclass(frozen=True)
class Stamp:
    exporter: str  # "赵晓燕（grid1）"
    at: datetime.datetime  # aware
    purpose: str
    title: str

    @classmethod
    def now(cls, user, *, purpose: str, title: str) -> "Stamp":
        name = user.display_name
        exporter = name if name == user.username else f"{name}（{user.username}）"
        return cls(exporter=exporter, at=timezone.now(), purpose=purpose.strip(), title=title)

    @property
    def time_text(self) -> str:
        return timezone.localtime(self.at).strftime(TIME_FORMAT)

    def summary(self) -> str:
        return f"导出人：{self.exporter}；导出时间：{self.time_text}；用途：{self.purpose}"

    def csv_line(self) -> str:
        return "# " + _one_line(self.summary()) + "\r\n"

    def apply_to_xlsx(self, book) -> None:
        """Set the properties of an xlsxwriter Workbook (before it is closed)."""
        book.set_properties(
            {
                "title": self.title,
                "author": self.exporter,
                "comments": self.summary(),
                "created": self.at.astimezone(datetime.UTC),
            }
        )
        book.set_custom_property("导出人", self.exporter)
        book.set_custom_property("导出时间", self.time_text)
        book.set_custom_property("用途", self.purpose)
