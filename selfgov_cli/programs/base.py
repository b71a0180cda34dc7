"""A program definition: categories, caps, tranches, required fields and typed local settings."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from selfgov_cli.io.values import normalize_label, parse_amount, parse_date, parse_rate

LOCAL_DEFAULT = "本地默认"
_INTENT_SEPARATORS = re.compile(r"[、，,；;/／\n]+")
_QUOTES = "“”\"'「」《》"


class ProgramError(Exception):
    """A program file or setting that cannot be used; the message names the key (exit 2)."""


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    type: str  # amount, rate, date, int, number, bool, str, list
    default: Any
    doc: str  # one line, Chinese
    source: str = LOCAL_DEFAULT  # the clause, or 本地默认
    choices: tuple[str, ...] = ()  # for str settings: the allowed values

    def convert(self, raw: Any, where: str) -> Any:
        """A TOML value to this setting's type, or ProgramError naming the key."""
        value = self._convert(raw, where)
        if self.choices and value not in self.choices:
            raise ProgramError(
                f"{where} 中的设置 {self.name} 只能是 {' 或 '.join(self.choices)}，现为 {raw!r}"
            )
        return value

    def _convert(self, raw: Any, where: str) -> Any:
        bad = ProgramError(
            f"{where} 中的设置 {self.name} 应为{_TYPE_WORDS[self.type]}，现为 {raw!r}"
        )
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            raise bad
        if self.type == "int":
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            raise bad
        if self.type == "number":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return Decimal(str(raw))
            raise bad
        if self.type == "amount":
            if isinstance(raw, bool):
                raise bad
            value, err = parse_amount(raw if not isinstance(raw, float) else str(raw))
            if err or value is None or value < 0:
                raise bad
            return value
        if self.type == "rate":
            if isinstance(raw, bool):
                raise bad
            value, err = parse_rate(str(raw) if isinstance(raw, float) else raw)
            if err or value is None:
                raise bad
            return value
        if self.type == "date":
            if isinstance(raw, datetime):
                return raw.date()
            if isinstance(raw, date):
                return raw
            value, err = parse_date(raw) if isinstance(raw, str) else (None, "x")
            if err or value is None:
                raise bad
            return value
        if self.type == "str":
            if isinstance(raw, str):
                return raw
            raise bad
        if self.type == "list":
            if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
                return tuple(raw)
            raise bad
        if self.type == "allowance":
            if isinstance(raw, dict):
                out = {}
                for key, value in raw.items():
                    amount, err = parse_amount(str(value) if not isinstance(value, bool) else "x")
                    if err or amount is None or amount < 0:
                        raise bad
                    out[str(key).strip()] = amount
                return out
            if isinstance(raw, bool):
                raise bad
            amount, err = parse_amount(str(raw))
            if err or amount is None or amount < 0:
                raise bad
            return amount
        if self.type == "patterns":
            if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
                raise bad
            for pattern in raw:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ProgramError(
                        f"{where} 中的设置 {self.name} 有一条写法不对：{pattern!r}（{exc}）"
                    ) from exc
            return tuple(raw)
        if self.type == "map":
            if isinstance(raw, dict) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in raw.values()
            ):
                return dict(raw)
            raise bad
        raise bad


_TYPE_WORDS = {
    "bool": "true 或 false",
    "int": "整数",
    "number": "数字",
    "amount": "金额",
    "rate": '比例（如 0.8 或 "80%"）',
    "date": "日期（如 2023-07-31）",
    "str": "文本",
    "list": "文本列表",
    "patterns": '文本列表（每条是一个正则表达式，如 "社工.{0,8}补贴"）',
    "map": "名称到整数的表",
    "allowance": "金额，或 居民区 = 金额 的表",
}


@dataclass(frozen=True, slots=True)
class Tranche:
    share: Decimal
    gate: str  # approval, midterm, final
    clause: str = ""


# the gates in the order tranches are paid, with their names as the documents write them
GATE_LABELS = {"approval": "立项", "midterm": "中期评估", "final": "末期评估"}


# Settings every program has (ranking and reports).
COMMON_SETTINGS = (
    Setting(
        "trim_extremes",
        "bool",
        True,
        "5 位及以上评审时去掉一个最高分和一个最低分",
        LOCAL_DEFAULT,
    ),
    Setting("trim_min_reviewers", "int", 5, "去掉最高最低分所需的最少评审人数", LOCAL_DEFAULT),
    Setting("min_score", "number", Decimal(60), "入围最低分，低于此分标记 below_line"),
    Setting(
        "group_weights",
        "map",
        {},
        '评审组权重（百分比），如 {"专家" = 70, "居民" = 30}；为空则不分组',
    ),
    Setting("publicity_days", "int", 5, "公示期（工作日）"),
    Setting("pool", "amount", None, "资金池总额；为空则不划资金线"),
    Setting(
        "pool_mode",
        "str",
        "cutoff",
        "资金线算法：cutoff（放不下即止）或 skip（跳过放不下的项目继续）",
        choices=("cutoff", "skip"),
    ),
    Setting("midterm_date", "date", None, "中期评估日期（评估结果表未填时使用）"),
)


class Policy:
    """What a program decides beyond its rules, reached through `Program.policy`: ranking
    adjustments, 十佳 privileges, district quotas, the pool, the green channel. The default has none;
    a program module subclasses it (programs/puxing.py, chengdu.py, gonghexinlu.py)."""

    adjust_clause = ""
    top_clause = ""  # non-empty: the final stage marks 十佳 (top10) and 前五 (top5)
    quota_clause = ""  # non-empty: district quotas apply
    pool_clause = "资金池设置"
    pool_categories: tuple[
        str, ...
    ] = ()  # only these categories are paid from the pool (empty: all)
    green_channel_clause = ""

    def green_channel(self, project: Any, history: Any = None) -> str:
        """Why the project is approved without review ('' when it is not). `history`: last year's
        record linked to this year's projects (history.LastYear, Context.history), None without
        `history` in sgov.toml; `history.prior(project)` is the record the project continues."""
        return ""

    def adjustments(
        self, project: Any, setting: Any, history: Any = None
    ) -> list[tuple[Decimal, str]]:
        """Review-stage points (added after averaging) with their reasons."""
        return []

    def prior_facts(self, project: Any, history: Any = None) -> list[tuple[str, str, str]]:
        """What the program took about last year, and from where: (what, value, source) for
        `sgov explain` (the application's claim, or the recorded value when there is history)."""
        return []

    def district(self, text: Any) -> str:
        """The district a 所属区县 text names, as quota places are counted (default: trimmed)."""
        return str(text or "").strip()

    def uses_quota(self, project: Any, program: Program) -> bool:
        """Does the project take one of its district's places?"""
        return bool(self.quota_clause)

    def quota_words(self, project: Any, program: Program) -> str:
        """Why a project takes no district place (when uses_quota is false)."""
        return ""

    def pool_topups(
        self, projects: Any, approved: Any, setting: Any
    ) -> list[tuple[str, Decimal, str]]:
        """Charges to the pool before the ranked projects: (项目编号, amount, reason)."""
        return []

    def pool_note(self, project: Any, setting: Any) -> str:
        """Why a project outside the pool's categories took no top-up when it might have ('' if
        there is nothing to say): a setting that does not cover it."""
        return ""


@dataclass(frozen=True, slots=True)
class Program:
    id: str
    name: str
    short: str  # used in clause citations, e.g. 浦兴
    document: str
    issued: str
    categories: tuple[str, ...]
    family: str = ""  # the built-in program whose rules apply (itself for built-ins)
    intents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    intent_aliases: dict[str, str] = field(default_factory=dict)
    # other names of a category the document gives (新泾 三: Xin营造 is 社区更新类)
    category_aliases: dict[str, str] = field(default_factory=dict)
    # how the lists people read (the publicity list, the summary) name a category that is a bare
    # code (成都 A, B1 …): the code and what the document calls it
    category_labels: dict[str, str] = field(default_factory=dict)
    expense_caps: dict[str, Decimal] = field(default_factory=dict)
    tranches: tuple[Tranche, ...] = (Tranche(Decimal("1"), "approval"),)
    required: dict[str, str] = field(default_factory=dict)  # field key -> condition
    settings: tuple[Setting, ...] = ()
    disabled_rules: tuple[str, ...] = ()
    # a common rule whose catalog clause is another program's (SG012: 浦兴 四.4(3)) cites this instead
    rule_clauses: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    policy: Policy = field(default_factory=Policy, compare=False)
    # `sgov init` templates: form fields the contract names for this program only, fields a rule of
    # the program requires, its own ledger columns, and the scoring criteria its document names.
    form_fields: tuple[str, ...] = ()
    rule_required: tuple[str, ...] = ()
    ledger_fields: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    # who reviews the applications and takes objections, as the publicity notice names it when
    # sgov.toml gives no `office`: the 街道, 新泾镇社建办, the district civil affairs office (成都)
    authority: str = "街道"

    def setting_spec(self, name: str) -> Setting | None:
        for item in (*self.settings, *COMMON_SETTINGS):
            if item.name == name:
                return item
        return None

    def all_settings(self) -> list[Setting]:
        own = {s.name for s in self.settings}
        return [*self.settings, *(s for s in COMMON_SETTINGS if s.name not in own)]

    def setting_default(self, name: str) -> Any:
        spec = self.setting_spec(name)
        if spec is None:
            raise KeyError(name)
        return spec.default

    def resolve_settings(self, raw: dict[str, Any], where: str) -> dict[str, Any]:
        """Typed values for the overridden settings; an unknown key or a wrong type is ProgramError."""
        out: dict[str, Any] = {}
        for key, value in raw.items():
            spec = self.setting_spec(key)
            if spec is None:
                known = "、".join(s.name for s in self.all_settings())
                raise ProgramError(f"{where} 中有未知的设置 {key}（可用：{known}）")
            out[key] = spec.convert(value, where)
        return out

    def category(self, text: str | None) -> str | None:
        """The program category a text names (怡家 or 怡家（社区服务）; Ｘｉｎ治理 typed in full-width
        letters is Xin治理; “一居一品”项目 as the document writes it), else None."""
        if not text:
            return None
        key = normalize_label(unicodedata.normalize("NFKC", str(text))).strip(_QUOTES)
        head = key.split("(")[0].strip(_QUOTES)
        wanted = {key, head, key.removesuffix("类"), head.removesuffix("类")}
        for word in ("微自治项目", "项目"):  # “七彩微创投”微自治项目, “一居一品”项目 (共和新路 四)
            wanted |= {w.removesuffix(word).strip(_QUOTES) for w in (key, head)}
        for name in self.categories:
            if normalize_label(name) in wanted:
                return name
        for alias, name in self.category_aliases.items():
            if normalize_label(alias) in wanted:
                return name
        return None

    def category_name(self, text: str | None) -> str:
        """The name outputs show for a category text: the program's own (悦家 for 悦家（群众文体）
        or 悦家类), else the text as typed (an unknown category is SG007)."""
        return self.category(text) or (text or "").strip()

    def category_label(self, name: str) -> str:
        """A category's name as the publicity list and the summary show it (category_labels, else
        the name itself); data outputs (JSON, record.json, export) keep the name."""
        return self.category_labels.get(name, name)

    def intent_name(self, text: str | None) -> str | None:
        """The intent, of any category, a text names, else None: compared without spaces or the
        quotes the documents write them in (“搭建一个社区自治载体”), aliases (公共空间打造) included."""
        if not text:
            return None
        key = normalize_label(text).strip(_QUOTES)
        aliases = {normalize_label(k): v for k, v in self.intent_aliases.items()}
        key = normalize_label(aliases.get(key, key))
        for names in self.intents.values():
            for name in names:
                if normalize_label(name) == key:
                    return name
        return None

    def intent(self, category: str | None, text: str | None) -> str | None:
        """The intent of `category` a text names (intent_name), else None."""
        name = self.intent_name(text) if category else None
        return name if name in self.intents.get(category or "", ()) else None

    def intent_list(self, text: str | None) -> list[str]:
        """The intents a cell lists (one or more, separated by 、，,；;/ or new lines)."""
        if not text:
            return []
        return [part.strip() for part in _INTENT_SEPARATORS.split(str(text)) if part.strip()]

    def with_changes(self, **changes: Any) -> Program:
        return replace(self, **changes)
