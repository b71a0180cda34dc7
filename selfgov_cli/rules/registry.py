"""The one registry of rules, filled explicitly: every rule pack is imported here at top level, then
the registry is frozen (a rule registered later is a programming error).

Whoever runs or lists rules imports this module (config, the pipeline, `sgov rules`); the engine
itself never imports a program.
"""

from __future__ import annotations

from selfgov_cli.programs import BUILTIN_MODULES
from selfgov_cli.programs.base import Program, ProgramError
from selfgov_cli.rules import common, funds, history, scores, year
from selfgov_cli.rules.engine import REGISTRY, Rule, freeze

RULE_PACKS = (common, funds, scores, year, history, *BUILTIN_MODULES)
freeze()


def check_program(program: Program) -> Program:
    """A program whose disabled_rules name only known rules, else ProgramError (exit 2)."""
    unknown = [x for x in program.disabled_rules if x not in REGISTRY]
    if unknown:
        raise ProgramError(
            f"{program.id} 中 disabled_rules 有不存在的规则：{'、'.join(unknown)}（用 sgov rules 查看）"
        )
    return program


__all__ = ["REGISTRY", "RULE_PACKS", "Rule", "check_program"]
