"""The rules-of-procedure settings (议事规则) that DOMAIN.md marks [P]."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from voting.rules.problems import Problem

PARKING_POLICIES = ("include", "exclude_area_only", "exclude_entirely")
RANKING_RULES = ("HEAD_THEN_AREA", "AREA_THEN_HEAD", "SUM_OF_RATIOS")
TIE_RESOLUTIONS = ("runoff", "lot")
NOTICE_RULES = ("CLEAR_15", "PLAIN_15")
DUPLICATE_POLICIES = ("first_valid", "reject_all")
OWNER_MERGES = ("exact_owner_set", "merge_if_any_common_owner")
SELECTION_FOLLOWUPS = ("re-table", "runoff_top2")

#: The settings shown in the result document (FORMATS §4 "procedure").
DOCUMENT_FIELDS = (
    "parking_policy",
    "invalid_counts_as_participation",
    "ranking_rule",
    "tie_resolution",
    "notice_rule",
)

_CHOICES: dict[str, tuple[str, ...]] = {
    "parking_policy": PARKING_POLICIES,
    "ranking_rule": RANKING_RULES,
    "tie_resolution": TIE_RESOLUTIONS,
    "notice_rule": NOTICE_RULES,
    "duplicate_policy": DUPLICATE_POLICIES,
    "owner_merge": OWNER_MERGES,
    "selection_followup": SELECTION_FOLLOWUPS,
}
_BOOLS = ("invalid_counts_as_participation", "publish_unit_areas", "one_time_code")


class ProcedureError(ValueError):
    """Settings that cannot be used; ``problems`` lists every reason."""

    code = "PROCEDURE_INVALID"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.en for p in self.problems))


@dataclass(frozen=True)
class Procedure:
    """A community's rules-of-procedure settings as applied to a meeting."""

    parking_policy: str
    invalid_counts_as_participation: bool = True
    ranking_rule: str = "HEAD_THEN_AREA"
    tie_resolution: str = "runoff"
    notice_rule: str = "CLEAR_15"
    duplicate_policy: str = "first_valid"
    owner_merge: str = "exact_owner_set"
    window_days_min: int = 5
    window_days_max: int = 60
    max_principals_per_agent: int | None = None
    objection_days: int = 0
    selection_followup: str = "re-table"
    publish_unit_areas: bool = False
    #: Owners with a phone on the roster confirm an online ballot with a code sent to it;
    #: off only where no message provider is configured (they then give the last four digits).
    one_time_code: bool = True

    def __post_init__(self) -> None:
        problems = _check_values(asdict(self))
        if problems:
            raise ProcedureError(problems)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Procedure:
        """Build settings from a mapping, raising ProcedureError with every problem found."""
        if not isinstance(d, Mapping):
            problem = Problem(
                "NOT_A_MAPPING", "议事规则设置必须是键值表", "Settings must be a mapping"
            )
            raise ProcedureError([problem])
        names = {f.name for f in fields(cls)}
        problems = [_unknown(key) for key in d if key not in names]
        if "parking_policy" not in d:
            problems.append(
                Problem(
                    "PARKING_POLICY_REQUIRED",
                    "必须设定车位计票规则（parking_policy），没有默认值",
                    "parking_policy is required and has no default",
                )
            )
        known = {k: v for k, v in d.items() if k in names}
        defaults = {f.name: f.default for f in fields(cls) if f.name != "parking_policy"}
        problems += _check_values({**defaults, "parking_policy": "include", **known})
        if problems:
            raise ProcedureError(problems)
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        """Return every setting by name."""
        return asdict(self)

    def document_dict(self) -> dict[str, Any]:
        """Return the five settings shown in the result document (FORMATS §4)."""
        return {name: getattr(self, name) for name in DOCUMENT_FIELDS}


def _unknown(key: object) -> Problem:
    if key == "silent_counts_with_majority":
        # DOMAIN 2.4: imputing silence as consent is not supported; say so, not just "unknown".
        return Problem(
            "SILENT_MAJORITY_UNSUPPORTED",
            "不支持“未参与视为同意多数”的计票方式",
            "Counting non-voters with the majority is not supported",
        )
    return Problem("UNKNOWN_SETTING", f"未知的设置项：{key}", f"Unknown setting: {key}")


def _check_values(v: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for name, allowed in _CHOICES.items():
        if v[name] not in allowed:
            problems.append(
                Problem(
                    "INVALID_SETTING_VALUE",
                    f"设置项 {name} 的取值 {v[name]!r} 无效，可选：{'、'.join(allowed)}",
                    f"{name} = {v[name]!r} is not one of {', '.join(allowed)}",
                )
            )
    for name in _BOOLS:
        if not isinstance(v[name], bool):
            problems.append(
                Problem(
                    "INVALID_SETTING_VALUE",
                    f"设置项 {name} 必须是 true 或 false",
                    f"{name} must be true or false",
                )
            )
    problems += _check_counts(v)
    return problems


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _check_counts(v: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    lo, hi = v["window_days_min"], v["window_days_max"]
    if not (_is_int(lo) and _is_int(hi) and 1 <= lo <= hi):
        problems.append(
            Problem(
                "INVALID_WINDOW",
                "表决期限的天数必须是整数，且 1 ≤ 最短天数 ≤ 最长天数",
                "Voting window days must be integers with 1 <= window_days_min <= window_days_max",
            )
        )
    cap = v["max_principals_per_agent"]
    if cap is not None and not (_is_int(cap) and cap >= 1):
        problems.append(
            Problem(
                "INVALID_PROXY_CAP",
                "每位受托人可代理的业主人数上限必须为空或正整数",
                "max_principals_per_agent must be empty or a positive integer",
            )
        )
    days = v["objection_days"]
    if not (_is_int(days) and days >= 0):
        problems.append(
            Problem(
                "INVALID_OBJECTION_DAYS",
                "异议期天数必须是非负整数",
                "objection_days must be a non-negative integer",
            )
        )
    return problems
