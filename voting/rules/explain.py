"""Plain sentences (zh-CN and English) saying why a matter came out as it did."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from voting.rules.numbers import fmt_area, fmt_ratio
from voting.rules.thresholds import ORDINARY, approval_share_met, quorum_share_met

if TYPE_CHECKING:
    from voting.rules.tally import MatterResult

# Each entry: (zh, en) templates; "{x}" fields are filled by str.format.
_TEXT: dict[str, tuple[str, str]] = {
    "nobody": ("无人参与本事项表决", "Nobody took part in this matter"),
    "q_area_ok": (
        "参与表决面积占比 {r}，达到三分之二",
        "Participating area {r} reaches two thirds",
    ),
    "q_area_no": (
        "参与表决面积占比 {r}，未达到三分之二",
        "Participating area {r} is below two thirds",
    ),
    "q_head_ok": (
        "参与表决人数占比 {r}，达到三分之二",
        "Participating owners {r} reach two thirds",
    ),
    "q_head_no": (
        "参与表决人数占比 {r}，未达到三分之二",
        "Participating owners {r} are below two thirds",
    ),
    "invalid_in": (
        "无效票 {n} 人、面积 {a} 平方米，计入参与表决",
        "{n} invalid ballots ({a} m²) count as participation",
    ),
    "invalid_out": (
        "无效票 {n} 人、面积 {a} 平方米，不计入参与表决",
        "{n} invalid ballots ({a} m²) do not count as participation",
    ),
    "ord_ok": ("{who}{dim}占比 {r}，超过二分之一", "{who} {dim} {r} is more than one half"),
    "ord_no": ("{who}{dim}占比 {r}，未超过二分之一", "{who} {dim} {r} is not more than one half"),
    "spe_ok": ("{who}{dim}占比 {r}，达到四分之三", "{who} {dim} {r} reaches three quarters"),
    "spe_no": ("{who}{dim}占比 {r}，未达到四分之三", "{who} {dim} {r} is below three quarters"),
    "no_quorum": (
        "参与表决未达到法定比例，本事项未形成有效决定",
        "Quorum not met: no valid decision on this matter",
    ),
    "passed": ("本事项表决通过", "The matter is passed"),
    "rejected": ("本事项未获通过", "The matter is rejected"),
    "selected": ("选定：{ids}", "Selected: {ids}"),
    "no_decision": (
        "没有选项同时获得面积和人数过半数的支持，未作出决定（多数票不足以当选）；后续：{next}",
        "No option has the support of more than half by both area and owners, so no decision "
        "(a plurality is not enough); next: {next}",
    ),
    "re-table": ("重新提交表决", "put the matter to a new vote"),
    "runoff_top2": ("在支持最多的两个选项之间再次表决", "a runoff between the two leading options"),
    "elected": ("当选：{ids}", "Elected: {ids}"),
    "alternates": ("候补：{ids}", "Alternates: {ids}"),
    "not_formed": (
        "当选 {n} 人，少于法定最低人数 {m} 人，委员会未能组成",
        "{n} elected, fewer than the legal minimum of {m}: the committee is not formed",
    ),
    "none_elected": (
        "没有候选人获得当选所需的支持，委员会未能组成",
        "No candidate has the support needed to be elected: the committee is not formed",
    ),
    "tie": (
        "{ids} 按排名规则 {rule} 完全相同，争夺{at}，需以{how}决定",
        "{ids} tie under ranking rule {rule} for {at}; to be decided by {how}",
    ),
    "lot": (
        "{ids} 排名相同，已按种子 {seed} 抽签决定",
        "The tie of {ids} was decided by lot, seed {seed}",
    ),
    "seat": ("最后的席位", "the last seat"),
    "alternate": ("最后的候补名额", "the last alternate place"),
    "runoff": ("决选投票", "a runoff vote"),
    "lot_how": ("抽签", "drawing lots"),
    "area": ("面积", "area"),
    "head": ("人数", "owners"),
    "agree": ("同意", "Agreeing"),
    "support": ("“{id}”的支持", "Support for {id} by"),
}


def explain(result: MatterResult, lang: str = "zh") -> list[str]:
    """Return sentences in zh-CN ("zh") or English ("en") on each condition of the outcome."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}")
    en = lang == "en"

    def t(name: str, **values: object) -> str:
        return _TEXT[name][en].format(**values)

    sep = ", " if en else "、"
    lines = []
    if result.p_head == 0:
        lines.append(t("nobody"))
    totals = result.totals
    ok = quorum_share_met(result.p_area, totals.area)
    lines.append(t("q_area_ok" if ok else "q_area_no", r=fmt_ratio(result.p_area, totals.area)))
    ok = quorum_share_met(result.p_head, totals.owners)
    lines.append(t("q_head_ok" if ok else "q_head_no", r=fmt_ratio(result.p_head, totals.owners)))
    if result.invalid_head:
        name = "invalid_in" if result.procedure.invalid_counts_as_participation else "invalid_out"
        lines.append(t(name, n=result.invalid_head, a=fmt_area(result.invalid_area)))
    if not result.quorum_met:
        return [*lines, t("no_quorum")]

    category = result.spec.category
    prefix = "ord" if category == ORDINARY else "spe"
    shown = result.options[:1] if result.spec.kind == "motion" else result.options
    for opt in shown:
        who = t("agree") if result.spec.kind == "motion" else t("support", id=opt.id)
        for dim, agree, part in (
            ("area", opt.area, result.p_area),
            ("head", opt.head, result.p_head),
        ):
            ok = approval_share_met(category, agree, part)
            lines.append(
                t(f"{prefix}_{'ok' if ok else 'no'}", who=who, dim=t(dim), r=fmt_ratio(agree, part))
            )

    status = result.status
    if status in ("passed", "rejected"):
        lines.append(t(status))
    elif status == "selected":
        lines.append(t("selected", ids=sep.join(result.winners)))
    elif status == "no_decision":
        lines.append(t("no_decision", next=t(result.procedure.selection_followup)))
    else:
        lines += _election_lines(result, t, sep)
    return lines


def _election_lines(result: MatterResult, t: Callable[..., str], sep: str) -> list[str]:
    lines = []
    if result.winners:
        lines.append(t("elected", ids=sep.join(result.winners)))
    if result.alternates:
        lines.append(t("alternates", ids=sep.join(result.alternates)))
    tied = sep.join(result.tied)
    if result.status == "tie_unresolved":
        how = "runoff" if result.procedure.tie_resolution == "runoff" else "lot_how"
        lines.append(
            t(
                "tie",
                ids=tied,
                rule=result.procedure.ranking_rule,
                at=t(result.tie_at or "seat"),
                how=t(how),
            )
        )
    elif result.lot_used:
        lines.append(t("lot", ids=tied, seed=result.spec.lot_seed))
    if result.status == "committee_not_formed":
        if result.winners:
            lines.append(t("not_formed", n=len(result.winners), m=result.spec.minimum))
        else:
            lines.append(t("none_elected"))
    return lines
