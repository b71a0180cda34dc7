"""新泾 xinjing-2021: 长新府〔2021〕15号《新泾镇"美好社区公益创投"项目实施细则（试行）》."""

from __future__ import annotations

from decimal import Decimal

from selfgov_cli.programs.base import Program, Setting, Tranche

PROGRAM = Program(
    id="xinjing-2021",
    family="xinjing-2021",
    name="新泾镇“美好社区公益创投”项目",
    short="新泾",
    document="长新府〔2021〕15号《新泾镇“美好社区公益创投”项目实施细则（试行）》",
    issued="2021",
    categories=("Xin营造", "Xin融合", "Xin治理", "Xin服务", "Xin引领"),
    tranches=(Tranche(Decimal("1"), "approval", "本地默认（合同约定）"),),
    required={
        "applicant_type": "always",
        "fulltime_staff": "org",
        "inspections": "org",
        "prior_usage_rate": "continuing",
    },
    settings=(
        Setting("max_amount", "amount", Decimal("100000.00"), "单个项目申请金额上限", "新泾 二"),
        Setting("usual_amount", "amount", Decimal("50000.00"), "一般项目规模（超过时提示）", "新泾 二"),
        Setting("min_fulltime_staff", "int", 2, "申报机构最少专职人员数", "新泾 五.4"),
        Setting("overlap_keywords", "list", ("物业", "改造工程", "基建"), "与物业职责、政府投资项目重叠的关键词"),
        Setting("garbage_keywords", "list", ("垃圾分类",), "Xin治理 不含垃圾分类项目的关键词", "新泾 三"),
    ),
)
