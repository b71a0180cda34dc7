"""共和新路 gonghexinlu-2023: 《共和新路街道关于进一步支持居民区开展自治项目化工作的实施方案(试行)》."""

from __future__ import annotations

from decimal import Decimal

from selfgov_cli.programs.base import Program, Setting, Tranche

PROGRAM = Program(
    id="gonghexinlu-2023",
    family="gonghexinlu-2023",
    name="共和新路街道居民区自治项目",
    short="共和新路",
    document="《共和新路街道关于进一步支持居民区开展自治项目化工作的实施方案(试行)》",
    issued="2023",
    categories=("一居一品", "七彩微创投"),
    intents={
        "一居一品": ("搭建一个社区自治载体", "挖掘一批社区自治骨干", "办理一件社区民生实事", "形成一个社区自治公约", "开发一件社区自治工具"),
        "七彩微创投": ("公共空间营造", "睦邻友好建设", "青年社区参与", "社区组织培育", "社区关爱服务", "活力街区营造", "其他社区议题"),
    },
    intent_aliases={"公共空间打造": "公共空间营造"},
    tranches=(Tranche(Decimal("1"), "approval", "共和新路 五.(二)1"),),
    required={"intent": "always", "prior_usage_rate": "continuing"},
    settings=(
        Setting("micro_cap", "amount", Decimal("5000.00"), "七彩微创投单个项目资助上限", "共和新路 七"),
        Setting("pool", "amount", Decimal("200000.00"), "七彩微创投年度资金池", "共和新路 七"),
    ),
)
