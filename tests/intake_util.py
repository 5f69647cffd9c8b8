"""Building register sheets for tests: a valid row, and writers for .xlsx / .csv."""
import csv
import itertools
from pathlib import Path

import xlsxwriter

from shouhu.intake.sheet import STANDARD
from shouhu.rules.idcard import make_id
from tests.factories import months_ago, years_ago

HEADERS = [c.header for c in STANDARD]
_seq = itertools.count(500)


def sheet_row(**over) -> dict:
    """A valid row (header -> text): a left-behind 8-year-old girl of 光荣村, 毛市镇, 金星小学 三年级1班."""
    birth = years_ago(8, days=40)
    row = {
        "姓名": "陆金兰", "性别": "女", "民族": "汉族", "出生日期": birth.isoformat(),
        "公民身份号码": make_id("421088", birth, next(_seq) * 2 % 1000), "是否登记户口": "是",
        "乡镇（街道）": "毛市镇", "村（社区）": "光荣村", "身体状况": "健康", "就学情况": "小学",
        "学校": "金星小学", "年级": "三年级", "班级": "1班", "是否寄宿": "否",
        "父亲姓名": "陆大军", "父亲状况": "外出务工", "父亲务工地点": "广东 东莞市", "父亲外出时间": months_ago(24).isoformat(),
        "父亲联系电话": "13812345678", "母亲姓名": "王小芳", "母亲状况": "外出务工", "母亲务工地点": "浙江 宁波市",
        "母亲外出时间": months_ago(24).isoformat(), "母亲联系电话": "13912345678",
        "委托照护人姓名": "陆国华", "与儿童关系": "祖父", "委托照护人电话": "13712345678", "监护情况": "监护情况一般",
        "家庭经济来源": "打工", "填报人": "张主任",
    }
    row.update(over)
    return row


def boy(**over) -> dict:
    birth = years_ago(10, days=3)
    return sheet_row(**{"姓名": "陈小虎", "性别": "男", "出生日期": birth.isoformat(),
                        "公民身份号码": make_id("421088", birth, next(_seq) * 2 % 1000 + 1), **over})


def write_xlsx(path: Path, rows: list[dict], headers: list[str] | None = None) -> Path:
    headers = headers or HEADERS
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, headers)
    for i, r in enumerate(rows, 1):
        for j, h in enumerate(headers):
            v = r.get(h, "")
            if v != "":
                ws.write_string(i, j, str(v))
    wb.close()
    return path


def write_csv(path: Path, rows: list[dict], headers: list[str] | None = None, encoding: str = "utf-8-sig") -> Path:
    headers = headers or HEADERS
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for r in rows:
            w.writerow([r.get(h, "") for h in headers])
    return path
