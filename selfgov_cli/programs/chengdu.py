"""成都 chengdu-2023: 《2023年成都市城乡社区居民自治组织民生微项目实施方案》."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from selfgov_cli.programs.base import Program, Setting, Tranche

PROGRAM = Program(
    id="chengdu-2023",
    family="chengdu-2023",
    name="2023年成都市城乡社区居民自治组织民生微项目",
    short="成都",
    document="《2023年成都市城乡社区居民自治组织民生微项目实施方案》",
    issued="2023",
    categories=("A", "B1", "B2", "B3", "C"),
    tranches=(
        Tranche(Decimal("0.50"), "approval", "成都 四.(六)"),
        Tranche(Decimal("0.30"), "midterm", "成都 四.(六)"),
        Tranche(Decimal("0.20"), "final", "成都 四.(六)"),
    ),
    required={
        "district": "always",
        "applicant_type": "always",
        "legal_rep": "org",
        "matching_funds": "class_ab",
        "inspections": "org",
        "party_org": "org",
        "bank_account": "org",
        "cluster_size": "class_a",
        "cluster_covered": "class_a",
        "prior_usage_rate": "continuing",
    },
    settings=(
        Setting("deadline", "date", date(2023, 6, 12), "申报截止日期", "成都 四.(一)"),
        Setting("matching_ratio", "rate", Decimal("0.10"), "A、B 类自筹资金最低比例", "成都 三.(四)"),
        Setting("quota_per_district", "int", 2, "每个区(市)县初审通过的基础名额", "成都 四.(二)1"),
        Setting(
            "excellent_cases",
            "map",
            {
                "大邑县": 1, "成华区": 1, "金牛区": 4, "青羊区": 2, "郫都区": 2, "都江堰市": 2, "锦江区": 1,
                "龙泉驿区": 1, "青白江区": 1, "温江区": 1, "双流区": 1, "新津区": 1, "蒲江县": 1,
            },
            "前两年优秀案例数（每个增加一个名额）",
            "成都 附件1-1",
        ),
    ),
)
