"""Build sample_workbooks/<program-id>/: one realistic program folder per built-in program.

Deterministic: the same run gives the same bytes (fixed document timestamps, no randomness).
Each folder mixes mostly clean projects with a handful that trip each rule; see
sample_workbooks/README.md for which project trips which rule.

    python scripts/make_samples.py [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402

from selfgov_cli.io.schema import APPLICATION  # noqa: E402
from selfgov_cli.io.values import parse_amount  # noqa: E402
from tests.helpers import (  # noqa: E402
    DECISIONS_HEADER,
    LEDGER_HEADER,
    Formula,
    fill_table,
    put,
    save_workbook,
    write_config,
)

LABELS = {c.key: c.label for c in APPLICATION} | {"requested_amount_words": "申请金额（大写）"}
WIDE = {"name", "applicant", "summary", "partner_org"}  # a row of their own, value merged B:D
BUDGET_HEADER = ("支出类别", "明细", "单价", "数量", "金额", "备注")
MEMBERS_HEADER = ("姓名", "角色", "是否居民", "是否社工", "备注")
CATEGORY_TEXT = {
    "work": "工作经费",
    "org_service": "社会组织服务",
    "volunteer": "志愿者补贴",
    "management": "管理费",
    "award": "表彰奖励",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊"
GIVEN = (
    "建国",
    "秀英",
    "志强",
    "桂兰",
    "海燕",
    "文华",
    "丽萍",
    "明",
    "军",
    "红梅",
    "国庆",
    "小芳",
    "伟",
    "静",
    "德华",
    "玉珍",
)


def person(n: int) -> str:
    """A deterministic Chinese name for index n."""
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]


def phone(n: int) -> str:
    return f"139{(n * 7919) % 100000000:08d}"


def yuan(value: Any) -> Decimal:
    return Decimal(str(value))


@dataclass
class Proj:
    """One sample project: form fields by contract key, budget lines, members, how it is written."""

    fields: dict[str, Any]
    budget: list[tuple] = field(default_factory=list)  # (category text, item, amount[, note])
    members: list[tuple] = field(default_factory=list)  # (name, role, resident, social worker)
    file: str = ""  # relative path of its workbook (forms only)
    budget_gap: int | None = None  # a blank row after this many budget lines
    budget_note: str | None = None  # a note row after the 合计 row

    @property
    def pid(self) -> str:
        return self.fields["project_id"]

    @property
    def amount(self) -> Decimal:
        value, _ = parse_amount(self.fields["requested_amount"])
        return value


def budget_lines(amount: Decimal, shares: list[tuple[str, str, int]]) -> list[tuple]:
    """Budget rows from (code, item, percent) shares; the last line takes the remainder."""
    rows, used = [], Decimal(0)
    for index, (code, item, pct) in enumerate(shares):
        value = (
            amount - used
            if index == len(shares) - 1
            else (amount * pct / 100).quantize(Decimal("1"))
        )
        used += value
        rows.append((CATEGORY_TEXT.get(code, code), item, value))
    return rows


# --------------------------------------------------------------------------- writers


def _form_sheet(wb: Workbook, title: str, proj: Proj, order: list[str]) -> None:
    """A realistic 申报表: merged title, label/value pairs two to a row, wide fields merged B:D."""
    ws = wb.create_sheet("申报表")
    put(ws, 1, 1, title)
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for col, width in zip("ABCD", (22, 30, 22, 30), strict=True):
        ws.column_dimensions[col].width = width
    row, pending = 2, []
    keys = [k for k in order if k in proj.fields]

    def flush() -> None:
        nonlocal row, pending
        for i, key in enumerate(pending):
            put(ws, row, 1 + 2 * i, LABELS[key])
            put(ws, row, 2 + 2 * i, proj.fields[key])
        if pending:
            row += 1
        pending = []

    for key in keys:
        if key in WIDE:
            flush()
            put(ws, row, 1, LABELS[key])
            put(ws, row, 2, proj.fields[key])
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
            row += 1
        else:
            pending.append(key)
            if len(pending) == 2:
                flush()
    flush()
    put(ws, row + 1, 1, "申报主体（盖章）：")
    put(ws, row + 1, 3, "居民区党组织意见：")


def _budget_sheet(
    wb: Workbook,
    lines: list[tuple],
    keyed: bool = False,
    gap: int | None = None,
    note_row: str | None = None,
) -> None:
    ws = wb.create_sheet("预算明细")
    header = (("项目编号",) if keyed else ()) + BUDGET_HEADER
    rows = []
    total = Decimal(0)
    for line in lines:
        key, line = (line[0], line[1:]) if keyed else ((), line)
        category, item, amount = line[0], line[1], line[2]
        note = line[3] if len(line) > 3 else None
        if isinstance(amount, Decimal | int):
            total += Decimal(amount)
        qty = 1 if not isinstance(amount, Formula) else 2
        price = amount if not isinstance(amount, Formula) else yuan(1500)
        rows.append(((key,) if keyed else ()) + (category, item, price, qty, amount, note))
        if gap is not None and len(rows) == gap:
            rows.append(())  # a blank row inside the budget: the lines below it still count
    if not keyed:
        rows.append(("合计", None, None, None, total, None))
    if note_row:
        rows.append((note_row,))
    fill_table(ws, header, rows)


def write_form_book(folder: Path, proj: Proj, title: str, order: list[str]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    _form_sheet(wb, title, proj, order)
    if proj.budget:
        _budget_sheet(wb, proj.budget, gap=proj.budget_gap, note_row=proj.budget_note)
    if proj.members:
        fill_table(wb.create_sheet("项目成员"), MEMBERS_HEADER, proj.members)
    save_workbook(wb, folder / proj.file)


def write_sheet(path: Path, sheet: str, header: tuple, rows: list) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    fill_table(wb.create_sheet(sheet), header, rows)
    save_workbook(wb, path)


def write_extras(folder: Path, unrelated: str, corrupt: str, lock: str) -> None:
    """One unrelated workbook (SG008), one corrupt file (SG001) and one lock file (ignored)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "签到"
    fill_table(
        ws,
        ("序号", "姓名", "单位", "签到时间"),
        [(i, person(200 + i), "居民区", "09:00") for i in range(1, 9)],
    )
    save_workbook(wb, folder / unrelated)
    whole = (folder / unrelated).read_bytes()
    (folder / corrupt).parent.mkdir(parents=True, exist_ok=True)
    (folder / corrupt).write_bytes(whole[: len(whole) // 3])  # a transfer cut short
    (folder / lock).parent.mkdir(parents=True, exist_ok=True)
    (folder / lock).write_bytes(b"\x05sgov" + b"\x00" * 157)


def remark(proj: Proj) -> str:
    return f"自治金项目 {proj.fields['name']}"


@dataclass
class Ledger:
    """Ledger rows with fresh invoice numbers."""

    prefix: str
    rows: list[tuple] = field(default_factory=list)
    n: int = 0
    left: dict[tuple[str, str], Decimal] = field(
        default_factory=dict
    )  # (project, category) -> budget left

    def add(
        self,
        when: date,
        proj: Proj | str,
        code: str,
        desc: str,
        amount: Any,
        payee: str = "",
        role: str = "商户",
        signed: str = "是",
        note: str | None = None,
        invoice: str | None = "auto",
    ) -> str:
        pid = proj if isinstance(proj, str) else proj.pid
        if invoice == "auto":
            self.n += 1
            invoice = f"{self.prefix}{self.n:06d}" if code in ("work", "org_service") else None
        text = CATEGORY_TEXT.get(code, code)
        if note is None:
            note = remark(proj) if isinstance(proj, Proj) else "自治金项目"
        self.rows.append((when, pid, text, desc, amount, invoice, payee, role, signed, note))
        return invoice or ""

    def plan(self, proj: Proj, plan: list[tuple], payees: dict[str, tuple[str, str]]) -> None:
        """Spend (date, code, desc, percent of the requested amount), skipping unbudgeted codes."""
        if not any(key[0] == proj.pid for key in self.left):
            for line in proj.budget:
                key = (proj.pid, line[0])
                self.left[key] = self.left.get(key, Decimal(0)) + Decimal(line[2])
        for when, code, desc, pct in plan:
            amount = (proj.amount * pct / 100).quantize(Decimal("0.01"))
            key = (proj.pid, CATEGORY_TEXT[code])
            if self.left.get(key, Decimal(0)) < amount:
                continue  # a clean ledger never spends beyond its budget line
            self.left[key] -= amount
            payee, role = payees[code]
            self.add(when, proj, code, desc, amount, payee, role)


PAYEES = {
    "work": ("浦东新区文印服务部", "商户"),
    "org_service": ("浦东新区乐邻社区服务中心", "社会组织"),
    "volunteer": ("志愿者（签收表附后）", "志愿者"),
    "management": ("居民区自治项目组", "居民"),
    "award": ("优秀志愿者（名单附后）", "志愿者"),
}


# --------------------------------------------------------------------------- 浦兴 puxing-2023

PX_ORDER = [
    "project_id", "name", "category", "neighborhood", "applicant", "leader", "leader_is_resident",
    "phone", "requested_amount", "requested_amount_words", "start_date", "end_date", "submitted_on", "continuing",
    "prior_usage_rate", "prior_top10_rank", "new_team", "residents_consulted", "hearing_date",
    "beneficiaries", "summary",
]  # fmt: skip

CLEAN_SHARES = [
    ("work", "活动物资、宣传海报、会务", 45),
    ("org_service", "社会组织专业带教服务", 35),
    ("volunteer", "志愿者慰问（交通、餐食）", 12),
    ("management", "项目管理", 5),
    ("award", "优秀志愿者表彰", 3),
]
PX_MORE = [  # clean projects: the bulk of a real folder
    ("莱阳楼组议事角", "其他"), ("五莲亲子阅读", "悦家"), ("沂林助浴服务", "怡家"), ("华高睦邻百家宴", "和家"),
    ("博山平安巡防", "安家"), ("兰城绿植认养", "靓家"), ("金桥非遗课堂", "悦家"), ("紫叶长者食堂志愿队", "怡家"),
    ("昌五新老居民结对", "和家"), ("东方电动车安全宣传", "安家"), ("乳山楼道文化", "靓家"), ("临沂邻里节", "悦家"),
]  # fmt: skip
PX_SPEND = [  # date, code, desc, percent of the requested amount
    (date(2023, 4, 20), "work", "活动物资采买", 12),
    (date(2023, 5, 18), "org_service", "社会组织带教服务（第一期）", 15),
    (date(2023, 6, 15), "work", "宣传海报印制", 8),
    (date(2023, 9, 12), "work", "会务及场地布置", 15),
    (date(2023, 9, 28), "org_service", "社会组织带教服务（第二期）", 10),
    (date(2023, 10, 16), "volunteer", "志愿者交通餐食慰问", 8),
    (date(2023, 11, 8), "management", "项目资料整理", 3),
    (date(2023, 11, 20), "award", "优秀志愿者表彰", 2),
]


PX_OBJECTED = 30  # 临沂邻里节: an objection upheld during the publicity period


def px_decisions(folder: Path, ledger1: Ledger, shared_invoice: str) -> None:
    """人工认定.xlsx: one decision of each kind, each matching something real in the folder."""
    notes = [r[9] for r in ledger1.rows]
    meal = notes.index("餐费") + 2  # PX-2023-014's row without 自治金项目 in 备注 (PX012)
    rows = [
        ("PX-2023-009", "异议不成立", None, None, None,
         "公示期内有居民反映场地占用，经现场核实场地为居委会活动室，不影响通行", "街道自治办 周主任",
         date(2023, 3, 28), "公示异议处理记录 2023-01"),
        ("PX-2023-030", "异议成立", None, None, None,
         "公示期内居民反映该项目与街道已立项的邻里节活动重复，经核实属实，取消立项", "街道自治办 周主任",
         date(2023, 3, 28), "公示异议处理记录 2023-02"),
        ("PX-2023-014", "豁免", "PX012", f"台账/2023年上半年经费台账.xlsx:经费台账!J{meal}", None,
         "已核对报销单原件，备注写明“自治金项目 羽山睦邻点”，台账录入时遗漏", "街道自治办 王科长",
         date(2023, 7, 20), None),
        ("PX-2023-002", "发票归属", None, None, shared_invoice,
         "该发票为长岛为老助餐服务的活动物资采购，羽山睦邻点补报时误用", "街道财务 李会计",
         date(2023, 11, 10), "财务核查记录 2023-11"),
        ("PX-2023-014", "预算调整", None, None, "管理费 500",
         "项目组申请增列项目资料整理费，经街道审核同意，从志愿者补贴调剂", "街道自治办 王科长",
         date(2023, 9, 1), "浦兴自治金预算调整批复〔2023〕3号"),
        ("PX-2023-014", "预算调整", None, None, "志愿者补贴 2500",
         "与管理费调增同一批复：志愿者补贴调减 500 元", "街道自治办 王科长",
         date(2023, 9, 1), "浦兴自治金预算调整批复〔2023〕3号"),
        ("PX-2023-016", "拨付", None, None, "第2笔 拨付",
         "上半年活动场地改造，课程延至下半年集中开展，经主任办公会研究同意照常拨付第二笔资金",
         "街道主任办公会", date(2023, 8, 15), "主任办公会纪要〔2023〕15号"),
    ]  # fmt: skip
    write_sheet(folder / "人工认定.xlsx", "人工认定", DECISIONS_HEADER, rows)


def puxing(folder: Path) -> None:
    year = date(2023, 4, 1), date(2023, 12, 31)
    hoods = [
        "金桥湾居民区", "长岛居民区", "荷泽居民区", "胶东居民区", "云山居民区", "金杨居民区",
        "银山居民区", "东陆居民区", "博兴居民区", "德州居民区", "灵山居民区", "泾东居民区",
        "浦兴居民区", "羽山居民区", "崂山居民区", "凌兆居民区", "上南居民区", "杨高居民区",
        "莱阳居民区", "五莲居民区", "沂林居民区", "华高居民区", "博山居民区", "兰城居民区",
        "金桥居民区", "紫叶居民区", "昌五居民区", "东方居民区", "乳山居民区", "临沂居民区",
    ]  # fmt: skip
    specs = [
        # n, name, category, extra fields, budget shares
        (1, "金桥湾楼组邻里节", "悦家", {"prior_top10_rank": 3}, [
            ("work", "活动物资、宣传", 35), ("org_service", "社会组织带教", 25),
            ("volunteer", "志愿者慰问", 30), ("management", "项目管理", 7), ("award", "表彰", 3)]),
        (2, "长岛为老助餐服务", "怡家", {"continuing": "是", "prior_usage_rate": "70%"}, CLEAN_SHARES),
        (3, "荷泽新老居民融合营", "和家", {"new_team": "是", "end_date": date(2023, 11, 30)}, CLEAN_SHARES),
        (4, "胶东平安楼道守望", "安家", {"leader_is_resident": "否"}, CLEAN_SHARES),
        (5, "云山绿色家园", "靓家", {}, CLEAN_SHARES),
        (6, "金杨广场舞团队建设", "悦家", {"residents_consulted": 25, "hearing_date": None}, CLEAN_SHARES),
        (7, "银山居民议事会", "其他", {}, CLEAN_SHARES),
        (8, "东陆社区助老服务", "怡家", {}, [
            ("work", "活动物资", 10), ("org_service", "社会组织助老服务", 55),
            ("volunteer", "志愿者慰问", 30), ("management", "项目管理", 5)]),
        (9, "博兴志愿者之家", "和家", {}, CLEAN_SHARES),
        (10, "德州读书会", "悦家", {}, [
            ("work", "图书及活动物资", 50), ("org_service", "阅读推广服务", 38),
            ("management", "项目管理", 6), ("award", "优秀读者表彰", 6)]),
        (11, "灵山邻里守望", "安家", {}, CLEAN_SHARES),
        (12, "泾东楼道美化", "靓家", {}, [
            ("work", "楼道美化物资", 40), ("work", "居委会办公费", 10),
            ("org_service", "社会组织设计服务", 35), ("volunteer", "志愿者慰问", 10), ("management", "项目管理", 5)]),
        (13, "浦兴楼道改造工程", "靓家", {"summary": "对老旧楼道进行改造施工，更换扶手与照明。"}, CLEAN_SHARES),
        (14, "羽山睦邻点", "和家", {}, [
            ("work", "活动物资", 50), ("org_service", "社会组织带教", 30),
            ("volunteer", "志愿者慰问", 15), ("award", "优秀志愿者表彰", 5)]),
        (15, "崂山亲子运动会", "悦家", {}, CLEAN_SHARES),
        (16, "凌兆老年学堂", "怡家", {}, CLEAN_SHARES),
        (17, "上南社区花园", "靓家", {"start_date": date(2023, 9, 1), "end_date": date(2024, 6, 30),
                                    "submitted_on": date(2023, 8, 10), "hearing_date": date(2023, 8, 20)}, CLEAN_SHARES),
        (18, "杨高家门口议事厅", "其他", {"leader": None}, CLEAN_SHARES),
    ] + [
        (18 + i, name, category, {}, CLEAN_SHARES)
        for i, (name, category) in enumerate(PX_MORE, start=1)
    ]  # fmt: skip
    amounts = {1: 30000, 2: 40000, 3: 25000, 4: 20000, 5: 30000, 6: 15000, 7: 20000, 8: 50000, 9: 30000,
               10: 20000, 11: 20000, 12: 20000, 13: 20000, 14: 20000, 15: 20000, 16: 30000, 17: 24000, 18: 18000}  # fmt: skip
    amounts.update({18 + i: 16000 + 2000 * (i % 6) for i in range(1, len(PX_MORE) + 1)})
    amount_text = {1: "3万元", 2: "40,000.00", 3: "贰万伍仟元整", 5: "¥30,000", 8: "50000元"}
    projects: dict[int, Proj] = {}
    for n, name, category, extra, shares in specs:
        hood = hoods[n - 1]
        leader = person(n)
        fields: dict[str, Any] = {
            "project_id": f"PX-2023-{n:03d}",
            "name": name,
            "category": category,
            "neighborhood": hood,
            "applicant": f"{hood}居民委员会",
            "leader": leader,
            "leader_is_resident": "是",
            "phone": phone(n),
            "requested_amount": amount_text.get(n, amounts[n]),
            "start_date": year[0] if n % 2 else "2023/4/1",
            "end_date": year[1] if n % 2 else "2023年12月31日",
            "submitted_on": date(2023, 3, 20),
            "continuing": "否",
            "residents_consulted": 40 + n * 3,
            "hearing_date": date(2023, 3, 10),
            "beneficiaries": 100 + n * 20,
            "summary": f"围绕{hood}居民需求，由居民骨干牵头开展{name}，提升居民参与度。",
        }
        fields.update(extra)
        if n == 1:
            fields["start_date"], fields["end_date"] = year
        proj = Proj(
            fields, budget_lines(yuan(amounts[n]), shares), file=f"申报/{n:02d}-{hood}-{name}.xlsx"
        )
        proj.fields["requested_amount"] = fields["requested_amount"]
        members = [
            (leader if leader else person(n), "负责人", "是" if n != 4 else "否", "否", None),
            (person(n + 40), "成员", "是", "否", None),
            (person(n + 80), "成员", "是", "否", None),
            (person(n + 120), "社工联络员", "否", "是", "居委会社工"),
        ]
        if n == 5:
            members.append((person(n + 160), "社工联络员", "否", "是", "第二名社工"))
        proj.members = members
        projects[n] = proj
    # 大写 beside the figures: 007 agrees; 013's says 21,000 against 20,000 in figures (SG023)
    projects[7].fields["requested_amount_words"] = "人民币贰万元整"
    projects[13].fields["requested_amount_words"] = "贰万壹仟元整"
    # 009: a blank row inside its budget, then more lines, 合计 and a note row (all lines count)
    projects[9].budget_gap = 2
    projects[9].budget_note = "编制人：" + person(9)
    # SG006: the budget of 13 forgets its 表彰奖励 line: 19,400 against 20,000 requested
    projects[13].budget = [
        (CATEGORY_TEXT[c], item, Decimal(200) * p) for c, item, p in CLEAN_SHARES[:4]
    ]
    for proj in projects.values():
        write_form_book(folder, proj, "2023年浦兴路街道“自治金”项目申报表", PX_ORDER)

    # only approved (application-clean) projects have spent; one numbering for both halves
    ledger1 = Ledger("0310")
    ledger2 = Ledger("0310", n=500, left=ledger1.left)
    for n, proj in projects.items():
        if n not in (1, 2, 3, 7, 9, 11) and n < 19 or n == PX_OBJECTED:
            continue
        early = [s for s in PX_SPEND if s[0] <= date(2023, 7, 31)]
        late = [s for s in PX_SPEND if s[0] > date(2023, 7, 31)]
        if n == 3:
            late = [
                s for s in late if s[1] != "org_service"
            ]  # ends 11-30 with money left: recoverable
        ledger1.plan(proj, early, PAYEES)
        ledger2.plan(proj, late, PAYEES)
    # 15 崂山: mid-term 不合格 but 70% already spent: beyond the 60% released (SG014)
    p15 = projects[15]
    ledger1.plan(
        p15,
        [
            (date(2023, 4, 25), "work", "亲子运动会物资", 30),
            (date(2023, 6, 10), "org_service", "赛事组织服务", 25),
        ],
        PAYEES,
    )
    ledger2.plan(
        p15,
        [
            (date(2023, 9, 20), "volunteer", "志愿者慰问", 10),
            (date(2023, 10, 20), "management", "项目管理", 5),
        ],
        PAYEES,
    )
    # 16 凌兆: only 20% spent by the mid-term (< 50% of tranche 1): tranche 2 withheld
    p16 = projects[16]
    ledger1.plan(p16, [(date(2023, 6, 30), "work", "学堂教材", 20)], PAYEES)
    ledger2.plan(p16, [(date(2023, 10, 10), "org_service", "课程带教", 20)], PAYEES)
    # 17 上南: starts in September, mid-term not yet held at year end
    ledger2.plan(projects[17], [(date(2023, 10, 12), "work", "花园种苗", 15)], PAYEES)
    # 14 羽山: the messy ledger, one problem a row
    p14 = projects[14]
    ledger1.plan(
        p14,
        [
            (date(2023, 4, 18), "work", "活动物资", 35),
            (date(2023, 5, 20), "org_service", "带教服务", 20),
        ],
        PAYEES,
    )
    ledger1.add(
        date(2023, 5, 26), p14, "work", "居民议事会招待费", yuan(800), "羽山饭店", "商户"
    )  # PX009
    ledger1.add(
        date(2023, 6, 8), p14, "award", "优秀志愿者表彰", yuan(600), person(134), "社工"
    )  # PX010
    ledger1.add(
        date(2023, 6, 12),
        p14,
        "volunteer",
        "志愿者交通补贴",
        yuan(500),
        "志愿者",
        "志愿者",
        signed="否",
    )  # PX011
    ledger1.add(
        date(2023, 6, 20),
        p14,
        "volunteer",
        "志愿者餐食",
        yuan(400),
        "志愿者",
        "志愿者",
        note="餐费",
    )  # PX012
    ledger1.add(
        date(2023, 3, 15), p14, "work", "启动会物资", yuan(300), "羽山文具店", "商户"
    )  # SG011
    ledger2.add(
        date(2023, 9, 6), p14, "management", "项目资料整理", yuan(200), "居民骨干", "居民"
    )  # SG012 until the 人工认定 budget change of 2023-09-01 adds 管理费: counts from then
    ledger1.add(
        date(2023, 6, 28), p14, "management", "资料复印", yuan(120), "居民骨干", "居民"
    )  # SG012: a 管理费 row before the change was approved
    ledger2.add(
        date(2023, 9, 18), p14, "work", "活动物资追加", yuan(3000), "羽山文具店", "商户"
    )  # SG013
    ledger2.add(
        date(2023, 9, 25), p14, "volunteer", "冲销多报餐费", yuan(-150), "志愿者", "志愿者"
    )  # SG009
    twice = ledger1.rows[[r[1] for r in ledger1.rows].index("PX-2023-002")][5]
    ledger2.add(
        date(2023, 10, 30),
        p14,
        "work",
        "活动物资（补报）",
        yuan(900),
        "浦东新区文印服务部",
        invoice=twice,
    )  # SG010
    ledger2.add(
        date(2023, 11, 2), p14, "work", "活动茶歇", yuan(350), "便利店", invoice=None
    )  # SG016
    ledger2.add(
        date(2023, 10, 9), "PX-2023-099", "work", "活动物资", yuan(1200), "金杨文具店", "商户"
    )  # SG005
    write_sheet(folder / "台账/2023年上半年经费台账.xlsx", "经费台账", LEDGER_HEADER, ledger1.rows)
    write_sheet(folder / "台账/2023年下半年经费台账.xlsx", "经费台账", LEDGER_HEADER, ledger2.rows)
    # year-end supplement under a misspelt sheet name (经费台帐): read by its header (SG024); one
    # row reuses 011's own earlier invoice (SG010 on the later row only)
    extra = Ledger("0312", left=ledger1.left)
    extra.plan(projects[9], [(date(2023, 12, 5), "work", "年终总结活动物资", 2)], PAYEES)
    reused = ledger1.rows[[r[1] for r in ledger1.rows].index("PX-2023-011")]
    extra.add(
        date(2023, 12, 8), projects[11], "work", "活动物资（重复报销）", yuan(260), reused[6],
        invoice=reused[5],
    )  # fmt: skip
    write_sheet(folder / "台账/年终补报.xlsx", "经费台帐", LEDGER_HEADER, extra.rows)
    px_decisions(folder, ledger1, twice)

    # mid-term evaluations
    evals = []
    for n in (1, 2, 3, 7, 9, 11, 14, 15, 16, *range(19, 19 + len(PX_MORE))):
        if n == PX_OBJECTED:
            continue  # funding cancelled at the publicity stage: no approval, nothing spent
        verdict = "不合格" if n == 15 else "合格"
        evals.append(
            (f"PX-2023-{n:03d}", verdict, date(2023, 7, 31), None, amounts[n], date(2023, 3, 31))
        )
    evals.append(("PX-2023-017", None, date(2024, 2, 29), None, amounts[17], date(2023, 8, 31)))
    write_sheet(
        folder / "评估/中期评估结果.xlsx",
        "评估结果",
        ("项目编号", "中期评估", "中期评估日期", "末期评估", "核定金额", "立项日期"),
        evals,
    )

    # review scores: five reviewers, 总分 only; 001 is green channel (上年十佳), 012 has no scores
    reviewers = ["陈评委", "李评委", "王评委", "周评委", "吴评委"]
    base = {
        2: 84,
        3: 86,
        4: 72,
        5: 78,
        6: 70,
        7: 68,
        8: 75,
        9: 80,
        10: 77,
        11: 74,
        13: 58,
        14: 73,
        15: 79,
        16: 81,
        17: 83,
        18: 65,
    }
    base.update({n: 66 + (n * 7) % 25 for n in range(19, 19 + len(PX_MORE))})
    score_rows = []
    for n, b in base.items():
        for i, who in enumerate(reviewers):
            score_rows.append((f"PX-2023-{n:03d}", who, b + (i * 3) % 7 - 3, None, "立项评审"))
    score_rows.insert(52, ("PX-2023-013", "李评委", 61, "重复录入", "立项评审"))  # a duplicate row
    score_rows[[r[0] for r in score_rows].index("PX-2023-006") + 2] = (
        "PX-2023-006",
        "王评委",
        120,
        "录入错误",
        "立项评审",
    )
    write_sheet(
        folder / "评审/立项评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分", "备注", "轮次"),
        score_rows,
    )
    px_year_end_scores(folder, base, reviewers)

    write_extras(
        folder,
        "参考资料/项目推进会签到表.xlsx",
        "台账/三季度报销凭证（传输中断）.xlsx",
        "申报/~$02-长岛居民区-长岛为老助餐服务.xlsx",
    )
    write_config(
        folder,
        "puxing-2023",
        settings={"midterm_date": date(2023, 7, 31)},
        year=2023,
        neighborhoods=hoods + ["德平居民区"],
        office="浦兴路街道自治办",
        office_phone="021-58880000",
    )


def px_year_end_scores(folder: Path, base: dict[int, int], reviewers: list[str]) -> None:
    """The year-end 评选 (三.6) in a file of its own: no 轮次 column, the name says 年终. The
    same reviewers score the projects again; the same reviewer in both rounds is no SG018."""
    rows = []
    for n, b in sorted(base.items()):
        final = b + (n * 5) % 11 - 4
        for i, who in enumerate(reviewers):
            rows.append((f"PX-2023-{n:03d}", who, final + (i * 2) % 5 - 2))
    write_sheet(folder / "评审/年终评选打分.xlsx", "评审打分", ("项目编号", "评审人", "总分"), rows)


# --------------------------------------------------------------------------- 新泾 xinjing-2021

XJ_ORDER = [
    "project_id", "name", "category", "neighborhood", "applicant", "applicant_type", "leader", "phone",
    "requested_amount", "start_date", "end_date", "submitted_on", "fulltime_staff", "founded_on",
    "inspections", "rating", "beneficiaries", "summary",
]  # fmt: skip
XJ_SHARES = [
    ("work", "活动物资、宣传", 40),
    ("org_service", "专业社工服务", 50),
    ("management", "项目管理", 10),
]
XJ_SPEND = [
    (date(2021, 7, 20), "work", "活动物资采买", 15),
    (date(2021, 8, 25), "org_service", "专业社工服务（第一期）", 20),
    (date(2021, 10, 15), "work", "宣传折页印制", 10),
    (date(2021, 11, 20), "org_service", "专业社工服务（第二期）", 20),
    (date(2021, 12, 10), "management", "项目管理", 5),
]


def xinjing(folder: Path) -> None:
    specs = [
        # n, hood, name, category, amount, extra
        (1, "新泾一村", "一村邻里文化节", "Xin融合", 50000, {}),
        (2, "新泾二村", "二村老年助餐服务", "Xin服务", 48000, {"rating": "4A"}),
        (3, "北虹居民区", "北虹青年志愿团队培育", "Xin引领", 80000, {"applicant_type": "民办非企业单位"}),
        (4, "天山居民区", "天山社区微花园", "Xin营造", 120000, {}),
        (5, "新泾三村", "三村睦邻文化节", "Xin融合", 45000, {}),
        (6, "新泾三村", "三村独居老人关爱", "Xin服务", 40000, {}),
        (7, "绿园居民区", "绿园垃圾分类宣传", "Xin治理", 30000, {"summary": "入户宣传垃圾分类知识，设立志愿督导岗。"}),
        (8, "淞虹居民区", "淞虹楼组自治", "Xin服务", 35000, {"applicant": "淞虹居民委员会", "applicant_type": "居委会"}),
        (9, "剑河居民区", "剑河亲子成长营", "Xin引领", 30000, {"fulltime_staff": 1, "inspections": "合格,基本合格"}),
        (10, "泉口居民区", "泉口邻里议事", "Xin治理", 42000, {}),
        (11, "新泾五村", "五村社区读书角", "Xin融合", 25000,
         {"founded_on": date(2020, 3, 1), "inspections": "合格"}),
        (12, "哈密居民区", "哈密小区物业协同治理", "Xin治理", 38000, {}),
        (13, "新泾六村", "六村非遗手作坊", "Xin融合", 36000, {"requested_amount": "叁万陆仟元"}),
        (14, "虹园居民区", "虹园楼道文化墙", "Xin营造", 28000,
         {"start_date": date(2021, 12, 31), "end_date": date(2021, 7, 1)}),
        (15, "新泾七村", "七村楼道自治公约", "Xin治理", 40000, {}),
        (16, "新泾八村", "八村助老餐桌", "Xin服务", 46000, {}),
        (17, "平塘居民区", "平塘青年议事会", "Xin引领", 35000, {}),
        (18, "新泾北苑", "北苑邻里互助站", "Xin营造", 50000, {}),
    ]  # fmt: skip
    orgs = [
        "长宁区乐群社工师事务所",
        "长宁区新泾社区服务社",
        "长宁区益邻社会组织服务中心",
        "上海同心公益发展中心",
    ]
    projects = {}
    for n, hood, name, category, amount, extra in specs:
        fields: dict[str, Any] = {
            "project_id": f"XJ-2021-{n:03d}",
            "name": name,
            "category": category,
            "neighborhood": hood,
            "applicant": orgs[n % len(orgs)],
            "applicant_type": "社会服务机构" if n % 3 else "社会团体",
            "leader": person(300 + n),
            "phone": phone(300 + n),
            "requested_amount": amount,
            "start_date": date(2021, 7, 1),
            "end_date": date(2021, 12, 31),
            "submitted_on": date(2021, 5, 10),
            "fulltime_staff": 2 + n % 3,
            "founded_on": date(2012 + n % 6, 5, 1),
            "inspections": "合格,合格",
            "beneficiaries": 150 + n * 15,
            "summary": f"面向{hood}居民开展{name}，以社会组织专业服务带动居民参与。",
        }
        fields.update(extra)
        proj = Proj(
            fields, budget_lines(yuan(amount), XJ_SHARES), file=f"项目申报/{hood}-{name}.xlsx"
        )
        projects[n] = proj
    # SG003: 13's 社工服务 line is a formula saved without a value (written by a script, never opened)
    p13 = projects[13]
    p13.budget = [p13.budget[0], ("社会组织服务", "专业社工服务", Formula("=C3*D3")), p13.budget[2]]
    for proj in projects.values():
        write_form_book(folder, proj, "新泾镇“美好社区公益创投”项目申报书", XJ_ORDER)

    ledger = Ledger("2105")
    payees = dict(
        PAYEES,
        work=("长宁区新泾文印社", "商户"),
        org_service=("长宁区乐群社工师事务所", "社会组织"),
    )
    for n in (1, 2, 3, 5, 6, 10, 11, 15, 16, 17, 18):
        ledger.plan(projects[n], XJ_SPEND, payees)
    write_sheet(folder / "执行/2021年项目经费台账.xlsx", "经费台账", LEDGER_HEADER, ledger.rows)

    evals = [
        (f"XJ-2021-{n:03d}", "合格", date(2021, 10, 31), None, None, date(2021, 6, 25))
        for n in (1, 2, 3, 5, 6)
    ]
    evals.append(
        ("XJ-2021-011", None, None, None, 22000, date(2022, 1, 15))
    )  # approved after the year end
    write_sheet(
        folder / "执行/评估结果.xlsx",
        "评估结果",
        ("项目编号", "中期评估", "中期评估日期", "末期评估", "核定金额", "立项日期"),
        evals,
    )
    reviewers = ["专家甲", "专家乙", "专家丙"]
    rows = []
    for n in projects:
        for i, who in enumerate(reviewers):
            if (n, who) == (9, "专家丙"):
                continue  # SG020: 专家丙 missed one project
            rows.append((f"XJ-2021-{n:03d}", who, 60 + (n * 11 + i * 5) % 35))
    write_sheet(folder / "评审/创投评审打分.xlsx", "评审打分", ("项目编号", "评审人", "总分"), rows)
    write_extras(
        folder,
        "其他/联络员通讯录.xlsx",
        "执行/台账备份.xlsx",
        "项目申报/~$天山居民区-天山社区微花园.xlsx",
    )
    write_config(
        folder,
        "xinjing-2021",
        year=2021,
        neighborhoods=sorted({s[1] for s in specs}),
        office="新泾镇社区自治办",
        office_phone="021-62780000",
    )


# --------------------------------------------------------------------------- 成都 chengdu-2023

CD_ORDER = [
    "project_id", "name", "category", "district", "neighborhood", "applicant", "applicant_type",
    "legal_rep", "partner_org", "leader", "phone", "requested_amount", "matching_funds", "start_date",
    "end_date", "submitted_on", "inspections", "party_org", "bank_account", "cluster_size",
    "cluster_covered", "level", "beneficiaries", "summary",
]  # fmt: skip
CD_CRITERIA = ("必要性", "可行性", "科学性", "创新性", "参与性", "实效性")
CD_SHARES = [
    ("work", "活动物资、宣传", 50),
    ("org_service", "社会组织专业服务", 40),
    ("management", "项目管理", 10),
]


def chengdu(folder: Path) -> None:
    village, community, org, college = "村委会", "居委会", "社会服务机构", "高等院校"
    specs = [
        # n, district, hood, name, class, amount, applicant, type, extra
        (1, "锦江区", "督院街社区", "督院街院落自治能力提升", "A", 200000, "督院街社区居民委员会", community, {}),
        (2, "锦江区", "书院街社区", "书院街居民议事规则共建", "B1", 180000, "锦江区和谐社工服务中心", org, {}),
        (3, "锦江区", "合江亭社区", "合江亭社区治理经验提炼推广", "C", 120000, "四川大学", college, {}),
        (4, "大邑县", "晋原街道子龙社区", "子龙社区邻里互助", "A", 150000, "子龙社区居民委员会", community, {}),
        (5, "大邑县", "安仁镇南岸美村", "南岸美村乡村治理提升", "A", 160000, "南岸美村村民委员会", village, {}),
        (6, "大邑县", "新场镇川西古镇社区", "古镇三级协商议事", "B2", 260000, "大邑县乡村振兴促进会", "社会团体", {}),
        (7, "大邑县", "鹤鸣镇鹤鸣社区", "鹤鸣社区治理案例推广", "C", 100000, "大邑县益民社会工作服务中心", org, {}),
        (8, "金牛区", "抚琴街道", "抚琴微治理品牌推广", "C", 200000, "西南交通大学", college, {}),
        (9, "金牛区", "西南街社区", "西南街院落自治（一期）", "A", 120000, "西南街社区居民委员会", community, {}),
        (10, "金牛区", "西南街社区", "西南街楼栋长培育", "A", 110000, "西南街社区居民委员会", community, {}),
        (11, "金牛区", "西南街社区", "西南街居民公约共建", "A", 100000, "西南街社区居民委员会", community, {}),
        (12, "青羊区", "草堂街道", "草堂试点奖补", "B3", 200000, "青羊区社区发展基金会", "基金会", {}),
        (13, "成华区", "猛追湾社区", "猛追湾居民自治", "A", 150000, "猛追湾社区居民委员会", community,
         {"matching_funds": 7500}),
        (14, "郫都区", "唐昌镇战旗村", "战旗村自治能力提升", "A", 150000, "郫都区农耕社工服务中心", org, {}),
        (15, "温江区", "柳城街道", "柳城民主议事", "B1", 150000, "温江区启明社工服务中心", org, {"legal_rep": "王建国"}),
        (16, "双流区", "东升街道", "东升民主恳谈", "B1", 150000, "双流区同行社工服务中心", org, {"legal_rep": "王建国"}),
        (17, "新津区", "五津街道", "五津民主评议", "B1", 150000, "新津区善邻社工服务中心", org, {"legal_rep": "王建国"}),
        (18, "武侯区", "簇桥街道片区", "簇桥片区自治联动", "A", 200000, "簇桥社区居民委员会", community,
         {"cluster_size": 10, "cluster_covered": 3}),
        (19, "龙泉驿区", "龙泉街道", "龙泉社区议事厅", "B2", 200000, "龙泉驿区志远社工服务中心", org, {}),
        (20, "龙泉驿区", "龙泉街道", "龙泉社区议事厅", "B2", 200000, "龙泉驿区志远社工服务中心", org, {}),
        (21, "青白江区", "大弯街道", "大弯协商共治", "B1", 150000, "青白江区仁和社会工作服务中心", org,
         {"bank_account": "否"}),
        (22, "新都区", "桂湖街道", "桂湖社区民主协商", "B2", 180000, "新都区桂馨社工服务中心", org,
         {"submitted_on": date(2023, 6, 20)}),
        (23, "高新区", "芳草街社区", "芳草街社区营造", "D", 100000, "芳草街社区居民委员会", community, {}),
        (24, "天府新区", "华阳街道正东街社区", "正东街院落议事", "A", 180000, "正东街社区居民委员会", community, {}),
        (25, "简阳市", "射洪坝街道", "射洪坝民主协商", "B2", 220000, "简阳市同心社工服务中心", org,
         {"level": "市本级"}),
        (26, "彭州市", "天彭街道", "天彭社区营造推广", "C", 90000, "成都大学", college, {}),
        (27, "崇州市", "崇阳街道", "崇阳居民议事", "B1", 160000, "崇州市惠民社会工作服务中心", org, {}),
        (28, "邛崃市", "临邛街道", "临邛村规民约共建", "A", 130000, "临邛社区居民委员会", community, {}),
        (29, "金堂县", "赵镇街道", "赵镇楼栋自治", "A", 140000, "赵镇社区居民委员会", community, {}),
        (30, "新都区", "大丰街道", "大丰三级协商", "B2", 240000, "新都区丰禾社工服务中心", org, {}),
        (31, "蒲江县", "鹤山街道", "鹤山院落自治", "A", 120000, "鹤山社区居民委员会", community, {}),
        # 锦江区 has 2 + 1 places: with 1 and 2, these two clean A projects put one over the quota
        (32, "锦江区", "春熙路社区", "春熙路商居共治", "A", 150000, "春熙路社区居民委员会", community, {}),
        (33, "锦江区", "盐市口社区", "盐市口楼院自治", "A", 140000, "盐市口社区居民委员会", community, {}),
    ]  # fmt: skip
    projects = {}
    for n, district, hood, name, klass, amount, applicant, kind, extra in specs:
        fields: dict[str, Any] = {
            "project_id": f"CD-2023-{n:03d}",
            "name": name,
            "category": klass,
            "district": district,
            "neighborhood": hood,
            "applicant": applicant,
            "applicant_type": kind,
            "leader": person(500 + n),
            "phone": phone(500 + n),
            "requested_amount": amount,
            "start_date": date(2023, 7, 1),
            "end_date": date(2024, 6, 30),
            "submitted_on": date(2023, 6, 5),
            "beneficiaries": 300 + n * 25,
            "summary": f"{district}{hood}：{name}。",
        }
        if klass[0] in "AB":
            fields["matching_funds"] = amount // 5
        if kind not in (village, community):
            fields.update(
                legal_rep=person(600 + n),
                inspections="合格,合格",
                party_org="是",
                bank_account="是",
            )
        if klass == "A":
            fields.update(
                cluster_size=6, cluster_covered=4, partner_org=f"{district}社区发展促进会"
            )
        fields.update(extra)
        projects[n] = Proj(
            fields,
            budget_lines(yuan(amount), CD_SHARES),
            file=f"申报材料/{district}/{n:02d}-{name}.xlsx",
        )
    for n in (9, 10, 11):
        projects[n].fields["partner_org"] = "金牛区益邻社会工作服务中心"
    projects[20].file = "申报材料/龙泉驿区/20-龙泉社区议事厅（重复提交）.xlsx"
    for proj in projects.values():
        write_form_book(folder, proj, "2023年成都市城乡社区民生微项目申报书", CD_ORDER)

    ledger = Ledger("5101")
    spend = [
        (date(2023, 8, 15), "work", "活动物资", 10),
        (date(2023, 10, 20), "org_service", "专业服务", 15),
    ]
    payees = dict(
        PAYEES,
        work=("成都市锦华文具店", "商户"),
        org_service=("成都市和谐社工服务中心", "社会组织"),
    )
    for n in (1, 2, 3, 4, 5, 6, 7, 24, 25, 26):
        ledger.plan(projects[n], spend, payees)
    write_sheet(folder / "资金/经费台账.xlsx", "经费台账", LEDGER_HEADER, ledger.rows)
    evals = [
        (
            f"CD-2023-{n:03d}",
            "不合格" if n == 5 else "合格",
            date(2023, 11, 30),
            None,
            None,
            date(2023, 6, 30),
        )
        for n in (1, 2, 3, 4, 5, 6, 7)
    ]
    write_sheet(
        folder / "资金/评估结果.xlsx",
        "评估结果",
        ("项目编号", "中期评估", "中期评估日期", "末期评估", "核定金额", "立项日期"),
        evals,
    )
    reviewers = ["评审专家A", "评审专家B", "评审专家C", "评审专家D", "评审专家E"]
    rows = []
    for n in projects:
        if n == 23:
            continue
        for i, who in enumerate(reviewers):
            low = 5 if n == 22 else 11  # 22 falls below the line
            marks = [low + (n * 5 + i * 3 + k * k) % 7 for k in range(6)]
            if (n, i) == (8, 4):
                marks[3] = None  # SG021: 创新性 left empty, no 总分 either
            rows.append((f"CD-2023-{n:03d}", who, *marks))
    write_sheet(
        folder / "评审/初审评分.xlsx", "评审打分", ("项目编号", "评审人", *CD_CRITERIA), rows
    )
    write_extras(folder, "参考/优秀案例名单.xlsx", "资金/拨付凭证扫描.xlsx", "申报材料/~$汇总.xlsx")
    write_config(
        folder,
        "chengdu-2023",
        year=2023,
        neighborhoods=sorted({s[2] for s in specs}),
        office="成都市城乡社区发展治理委员会",
        office_phone="028-61880000",
    )


# --------------------------------------------------------------------------- 共和新路 gonghexinlu-2023

GH_ORDER = [
    "project_id", "name", "category", "intent", "neighborhood", "applicant", "leader", "phone",
    "requested_amount", "start_date", "end_date", "submitted_on", "beneficiaries", "summary",
]  # fmt: skip
GH_HOODS = [
    "宝华居民区", "洛川东路居民区", "延长中路居民区", "嘉利明珠城居民区", "中山北路居民区", "柳营路居民区",
    "共和新路第一居民区", "彭浦居民区", "永和居民区", "广延路居民区",
]  # fmt: skip
GH_MICRO_INTENTS = ("公共空间营造", "睦邻友好建设", "青年社区参与", "社区组织培育", "社区关爱服务", "活力街区营造", "其他社区议题", "公共空间打造")  # fmt: skip
GH_MICRO_NAMES = ("楼道花园", "睦邻茶话", "青年夜校", "居民乐队", "助老小分队", "街角市集", "宠物文明公约", "口袋花园", "亲子绘本角")  # fmt: skip


def gonghexinlu(folder: Path) -> None:
    brand = [
        # n, hood index, name, intent, amount, extra
        (1, 0, "宝华自治议事厅", "搭建一个社区自治载体", 50000, {}),
        (2, 1, "洛川楼组长骨干营", "挖掘一批社区自治骨干", 40000, {}),
        (3, 2, "延长中路加装电梯协调", "办理一件社区民生实事", 60000, {}),
        (4, 3, "明珠城文明养宠公约", "形成一个社区自治公约", 30000, {}),
        (5, 4, "中山北路议事工具包", "开发一件社区自治工具", 35000, {}),
        (6, 5, "柳营睦邻节", "睦邻友好建设", 30000, {}),
        (7, 6, "一居楼道微治理", "办理一件社区民生实事", 45000, {}),
        (8, 6, "一居自治公约修订", "形成一个社区自治公约", 25000, {}),
    ]  # fmt: skip
    for n, h, name, intent, amount, extra in brand:
        hood = GH_HOODS[h]
        fields: dict[str, Any] = {
            "project_id": f"GH-2023-{n:03d}",
            "name": name,
            "category": "一居一品",
            "intent": intent,
            "neighborhood": hood,
            "applicant": f"{hood}居民委员会",
            "leader": person(700 + n),
            "phone": phone(700 + n),
            "requested_amount": amount,
            "start_date": date(2023, 3, 1),
            "end_date": date(2023, 12, 31),
            "submitted_on": date(2023, 2, 15),
            "beneficiaries": 200 + n * 30,
            "summary": f"{hood}“一居一品”：{name}。",
        }
        fields.update(extra)
        proj = Proj(
            fields, budget_lines(yuan(amount), CD_SHARES), file=f"申报/一居一品/{n:02d}-{name}.xlsx"
        )
        write_form_book(folder, proj, "共和新路街道“一居一品”自治项目申报表", GH_ORDER)

    # 七彩微创投: one 项目汇总 table, 45 projects, with a keyed 预算明细 sheet
    header = ("项目编号", "项目名称", "项目类别", "意向", "居民区", "申报主体", "项目负责人", "联系电话",
              "申请金额", "开始日期", "结束日期", "申报日期", "受益人数")  # fmt: skip
    rows, budget = [], []
    for i in range(45):
        n = 101 + i
        hood = GH_HOODS[i % len(GH_HOODS)]
        amount = 4000 + (i * 137) % 1001
        name = f"{hood[:-3]}{GH_MICRO_NAMES[i % len(GH_MICRO_NAMES)]}"
        end = date(2023, 12, 31)
        if n == 107:
            amount = 6000  # GH001
        if n == 112:
            end = date(2024, 6, 30)  # GH003: 16 months
        if n == 118:
            name = '=HYPERLINK("http://example.com","点我领奖")'  # injection test: must stay text
        rows.append((f"GH-2023-{n:03d}", name, "七彩微创投", GH_MICRO_INTENTS[i % len(GH_MICRO_INTENTS)], hood,
                     f"{hood[:-3]}{GH_MICRO_NAMES[i % len(GH_MICRO_NAMES)]}团队", person(800 + i), phone(800 + i),
                     amount, date(2023, 3, 1), end, date(2023, 2, 20), 30 + i))  # fmt: skip
        work = Decimal(amount) * Decimal("0.6")
        budget.append((f"GH-2023-{n:03d}", "工作经费", "活动物资", work))
        budget.append((f"GH-2023-{n:03d}", "志愿者补贴", "志愿者慰问", Decimal(amount) - work))
    dup = list(rows[5])
    dup[1], dup[4] = "宝华口袋花园（重复录入）", GH_HOODS[0]
    rows.insert(20, tuple(dup))  # SG004: a second row reusing GH-2023-106
    wb = Workbook()
    wb.remove(wb.active)
    fill_table(wb.create_sheet("项目汇总"), header, rows)
    _budget_sheet(wb, budget, keyed=True)
    save_workbook(wb, folder / "申报/七彩微创投/2023年七彩微创投项目汇总.xlsx")

    ledger = Ledger("3106")
    payees = dict(PAYEES, work=("静安区共和新路文具店", "商户"))
    for n in (1, 2, 4, 5):
        ledger.add(date(2023, 5, 10), f"GH-2023-{n:03d}", "work", "活动物资", yuan(3000 + n * 100), payees["work"][0],
                   note="自治金项目")  # fmt: skip
    for i in (
        0,
        1,
        2,
        3,
        4,
        7,
    ):  # approved micro projects (106 has a duplicate row, 107 is over the cap)
        pid = f"GH-2023-{101 + i:03d}"
        ledger.add(
            date(2023, 6 + i % 6, 15),
            pid,
            "work",
            "活动物资",
            yuan(1200),
            payees["work"][0],
            note="七彩微创投",
        )
    write_sheet(folder / "报销/月度报销台账.xlsx", "经费台账", LEDGER_HEADER, ledger.rows)

    reviewers = ["评审甲", "评审乙", "评审丙"]
    scores = []
    ids = [f"GH-2023-{n:03d}" for n in range(1, 9)] + [f"GH-2023-{101 + i:03d}" for i in range(45)]
    for k, pid in enumerate(ids):
        for j, who in enumerate(reviewers):
            scores.append((pid, who, 62 + (k * 17 + j * 5) % 36))
    write_sheet(
        folder / "评审/评审打分汇总.xlsx", "评审打分", ("项目编号", "评审人", "总分"), scores
    )
    write_extras(
        folder,
        "资料/2022年度项目清单（旧表）.xlsx",
        "报销/发票照片.xlsx",
        "申报/~$2023年七彩微创投项目汇总.xlsx",
    )
    write_config(
        folder,
        "gonghexinlu-2023",
        # 七: 一居一品 over a 居民区's 40,000 of 居民自治金 is topped up from the pool first, so the
        # pool's line falls inside the 七彩微创投 ranking (unfunded projects in the sample)
        settings={"neighborhood_allowance": 40000},
        year=2023,
        neighborhoods=GH_HOODS,
        office="共和新路街道自治办",
        office_phone="021-56650000",
    )


# --------------------------------------------------------------------------- 浦兴 a year before

# 浦兴 2022 as `sgov run` would have recorded it (record.json, selfgov_cli/record.py): read back by
# the 2023 sample through `history` in its sgov.toml. 金桥湾 continues by name and was 十佳 第 3 名
# (its claim matches: green channel from the record); 长岛 continues by name with 65.00%, not the 70%
# its form claims (SG026; 三.3 deducts on the recorded rate); the rest compare the years.
PX_2022 = [
    # 项目编号, 项目名称, 居民区, 类别, 核定金额, 合规支出, 年终排名, flags, 中期, 末期
    ("PX-2022-001", "2022年金桥湾楼组邻里节", "金桥湾居民区", "悦家", 28000, 26600, 3, ["top10", "top5"], "合格", "优秀"),
    ("PX-2022-002", "长岛为老助餐服务", "长岛居民区", "怡家", 40000, 26000, 14, [], "合格", "合格"),
    ("PX-2022-003", "荷泽邻里议事会", "荷泽居民区", "其他", 20000, 18500, 6, ["top10"], "合格", "良好"),
    ("PX-2022-004", "胶东楼道守望", "胶东居民区", "安家", 20000, 17000, 9, ["top10"], "合格", "合格"),
    ("PX-2022-005", "云山垃圾分类宣传", "云山居民区", "靓家", 25000, 23750, 4, ["top10", "top5"], "合格", "优秀"),
    ("PX-2022-006", "金杨健身队", "金杨居民区", "悦家", 15000, 6000, 18, [], "不合格", "不合格"),
    ("PX-2022-007", "东陆助老服务", "东陆居民区", "怡家", 45000, 40500, 2, ["top10", "top5"], "合格", "优秀"),
    ("PX-2022-008", "博兴志愿者培训", "博兴居民区", "和家", 30000, 27000, 7, ["top10"], "合格", "良好"),
    ("PX-2022-009", "德州亲子读书", "德州居民区", "悦家", None, 0, None, ["needs_fix"], None, None),
]  # fmt: skip


def puxing_history(folder: Path) -> None:
    """sample_workbooks/puxing-2023/history/record-2022.json, and `history` in its sgov.toml."""
    import json

    from selfgov_cli.money import fmt_amount, fmt_rate

    projects = []
    for pid, name, hood, category, approved, spent, rank, flags, mid, end in PX_2022:
        approved_d = yuan(approved) if approved else None
        spent_d = yuan(spent)
        released = approved_d if approved_d is not None else Decimal(0)
        rate = spent_d / released if released else Decimal(0)
        projects.append(
            {
                "project_id": pid,
                "name": name,
                "neighborhood": hood,
                "category": category,
                "approved": fmt_amount(approved_d),
                "released": fmt_amount(released),
                "eligible_spent": fmt_amount(spent_d),
                "usage_rate": fmt_rate(rate),
                "execution_rate": fmt_rate(rate),
                "final_rank": rank,
                "flags": flags,
                "midterm": mid,
                "final": end,
            }
        )
    record = {"schema": 1, "program": "puxing-2023", "year": 2022, "as_of": "2022-12-31"}
    record["projects"] = projects
    target = folder / "history" / "record-2022.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    config = folder / "sgov.toml"
    text = config.read_text(encoding="utf-8")
    line = 'history = ["history/record-2022.json"]\n'
    head, sep, tail = text.partition("\n[settings]")
    config.write_text(head.rstrip("\n") + "\n" + line + sep + tail, encoding="utf-8")


BUILDERS = {
    "puxing-2023": puxing,
    "xinjing-2021": xinjing,
    "chengdu-2023": chengdu,
    "gonghexinlu-2023": gonghexinlu,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "sample_workbooks")
    args = parser.parse_args(argv)
    for program_id, build in BUILDERS.items():
        folder = args.out / program_id
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        build(folder)
        print(f"{folder}: {sum(1 for p in folder.rglob('*') if p.is_file())} files")
    if "puxing-2023" in BUILDERS:
        puxing_history(args.out / "puxing-2023")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
