"""浦兴 puxing-2023: 浦浦办〔2023〕4号《2023年浦兴路街道"自治金"项目实施方案》."""

from __future__ import annotations

from decimal import Decimal

from selfgov_cli.programs.base import Program, Setting, Tranche

PROGRAM = Program(
    id="puxing-2023",
    family="puxing-2023",
    name="2023年浦兴路街道“自治金”项目",
    short="浦兴",
    document="浦浦办〔2023〕4号《2023年浦兴路街道“自治金”项目实施方案》",
    issued="2023-03-31",
    categories=("怡家", "悦家", "和家", "安家", "靓家", "其他"),
    expense_caps={
        "org_service": Decimal("0.50"),
        "volunteer": Decimal("0.25"),
        "management": Decimal("0.10"),
        "award": Decimal("0.05"),
    },
    tranches=(
        Tranche(Decimal("0.60"), "approval", "浦兴 四.1"),
        Tranche(Decimal("0.40"), "midterm", "浦兴 四.2"),
    ),
    required={
        "leader_is_resident": "always",
        "residents_consulted": "always",
        "prior_usage_rate": "continuing",
    },
    settings=(
        Setting("midterm_usage_gate", "rate", Decimal("0.50"), "中期第一笔资金使用率低于此值则暂缓拨付第二笔", "浦兴 四.2"),
        Setting("volunteer_cap_top5", "rate", Decimal("0.35"), "上年十佳前5名的志愿者补贴上限", "浦兴 四.4(1)"),
        Setting("min_residents_consulted", "int", 40, "征询居民最少人数", "浦兴 附件1 一.2"),
        Setting("usage_threshold", "rate", Decimal("0.80"), "延续项目上年执行率低于此值扣分"),
        Setting("usage_penalty", "number", Decimal("-5"), "上年执行率不达标的扣分"),
        Setting("new_team_bonus", "number", Decimal("3"), "培育新团队的加分"),
        Setting(
            "forbidden_keywords",
            "list",
            ("居委会办公费", "招待费", "社工补贴", "社工奖金", "加班费"),
            "不得列支的费用关键词（预算明细、台账摘要）",
            "浦兴 四.4(4)",
        ),
        Setting("hardware_keywords", "list", ("工程", "施工", "改造", "装修", "硬件"), "负面清单：硬件工程类关键词"),
        Setting("welfare_keywords", "list", ("发放", "福利", "慰问品"), "负面清单：福利发放类关键词"),
        Setting("welfare_share", "rate", Decimal("0.50"), "福利发放类支出占预算超过此比例时提示"),
        Setting("profit_keywords", "list", ("盈利", "收费"), "负面清单：营利类关键词"),
        Setting("asset_keywords", "list", ("采购", "设备"), "负面清单：资产采购（采购与设备同时出现）"),
    ),
)
