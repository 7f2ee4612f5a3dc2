"""What the words of a matter suggest: answers that make a question a motion.

The category of a matter is always chosen explicitly (DOMAIN.md 2.3: never inferred from
free text); words only ever prompt a question to the person choosing.
"""

import re
from collections.abc import Iterable

#: Labels of an agree / disagree / abstain question (compared without spaces or punctuation).
MOTION_ANSWERS = {
    "agree": ("同意", "赞成", "支持", "agree", "yes", "approve"),
    "disagree": ("不同意", "反对", "不赞成", "不支持", "disagree", "no", "oppose", "reject"),
    "abstain": ("弃权", "abstain", "abstention"),
}
_NOISE = re.compile(r"[\s\W_]+")


def _bare(text: str) -> str:
    return _NOISE.sub("", text).casefold()


def motion_answer(label: str) -> str | None:
    """``agree``, ``disagree`` or ``abstain`` for a label that says only that, else None."""
    bare = _bare(label)
    for answer, words in MOTION_ANSWERS.items():
        if bare in words:
            return answer
    return None


def is_motion_question(labels: Iterable[str]) -> bool:
    """True when the options are exactly agree and disagree, with or without abstain."""
    answers = [motion_answer(label) for label in labels]
    return sorted(a or "" for a in answers) in (
        ["agree", "disagree"],
        ["abstain", "agree", "disagree"],
    )


# --- categories (DOMAIN.md 2.3) -------------------------------------------------------------
#: Words of Civil Code art. 278 (六)(七)(八), which need three quarters: raising or renewing the
#: maintenance fund, rebuilding, changing the use of common parts or running a business on them.
SPECIAL_WORDS = (
    r"(筹集|续筹|补筹|归集|补交|续交|追加)[^，。；]{0,12}维修(资金|基金)",
    r"维修(资金|基金)[^，。；]{0,8}(筹集|续筹|补筹|续交|补交|追加)",
    r"(改建|重建|翻建|拆除重建|拆建)",
    r"改变[^，。；]{0,16}(共有部分|共用部位|共用设施|公共部位|公共区域|绿地|架空层)[^，。；]{0,8}用途",
    r"(共有部分|共用部位|公共部位|公共区域|架空层|绿地)[^，。；]{0,16}(经营|出租|租赁|商用|开店|营业)",
    r"(经营|出租|租赁)[^，。；]{0,8}(共有部分|共用部位|公共部位|公共区域)",
)
#: Words of the ordinary items that are easily mistaken for special ones: using or managing
#: the fund (278(五)), the committee election (278(三)), the manager and fees, the rules.
ORDINARY_WORDS = (
    r"(使用|动用|申请使用|列支)[^，。；]{0,12}维修(资金|基金)",
    r"维修(资金|基金)[^，。；]{0,8}(使用|列支|管理)",
    r"(选举|补选|换届)[^，。；]{0,8}(业主委员会|业委会|委员)",
    r"(选聘|续聘|解聘|更换)[^，。；]{0,8}物业",
    r"(物业费|物业服务费|收费标准)",
    r"(管理规约|议事规则)",
)
#: Turning a dwelling into business premises (住改商): Civil Code art. 279 asks the consent of
#: every interested owner; the assembly cannot decide it (DOMAIN.md 2.3).
DWELLING_TO_BUSINESS_WORDS = (
    r"住改商",
    r"住宅[^，。；]{0,10}(改为|改作|改成|用作|变更为|转为)[^，。；]{0,10}(经营|商业|商用|办公|商铺|门面)",
    r"(改变|变更)[^，。；]{0,4}住宅[^，。；]{0,4}(用途|性质)",
)
_PROHIBITING = re.compile(r"(禁止|不得|严禁|制止|限制|整治|清理)")


def _matches(patterns: tuple[str, ...], text: str) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)


#: The hints of ``category_hints``, each with zh-CN and English text.
HINTS = {
    "DWELLING_TO_BUSINESS": (
        "事项名称或说明提到住宅改为经营性用房（住改商）：这须经有利害关系的业主一致同意"
        "（民法典第二百七十九条），不能由业主大会表决。如本事项并非把住宅改为经营性用房"
        "（例如管理规约中禁止住改商的条款），请勾选确认后再提交",
        "The matter mentions turning a dwelling into business premises (住改商): that needs the "
        "consent of every interested owner (Civil Code art. 279) and is not an assembly vote. If "
        "the matter does not turn a dwelling into business premises (for example a covenant rule "
        "forbidding it), tick the confirmation and submit again",
    ),
    "SPECIAL_SUGGESTED": (
        "事项名称或说明提到筹集或续筹维修资金、改建重建、改变共有部分用途或利用共有部分经营"
        "（民法典第二百七十八条第六至八项），这些是重大事项（双四分之三），但选择了一般事项。"
        "请核对类别；确需按一般事项表决的，请勾选确认（街道审核时可见）",
        "The matter mentions raising or renewing the maintenance fund, rebuilding, changing the "
        "use of common parts or doing business on them (Civil Code art. 278 (6)-(8)), which are "
        "special matters (three quarters), but ordinary was chosen. Check the category; to keep "
        "it, tick the confirmation (the street office sees it when approving)",
    ),
    "ORDINARY_SUGGESTED": (
        "事项名称或说明提到使用维修资金、选举业委会、选聘物业、物业费或规约规则，这些是一般"
        "事项（双过半），但选择了重大事项。请核对类别；确需按重大事项表决的，请勾选确认"
        "（街道审核时可见）",
        "The matter mentions using the maintenance fund, electing the committee, hiring the "
        "manager, fees or the rules, which are ordinary matters (more than half), but special "
        "was chosen. Check the category; to keep it, tick the confirmation (the street office "
        "sees it when approving)",
    ),
}


def category_hints(title: str, description: str, category: str) -> list[str]:
    """Codes of ``HINTS`` for a matter whose words suggest another category than the chosen
    one, or an act the assembly cannot decide; empty when the words agree with the choice."""
    text = f"{title}\n{description}"
    hints = []
    if _matches(DWELLING_TO_BUSINESS_WORDS, text) and not _PROHIBITING.search(title):
        hints.append("DWELLING_TO_BUSINESS")
    special, ordinary = _matches(SPECIAL_WORDS, text), _matches(ORDINARY_WORDS, text)
    if category == "ordinary" and special:
        hints.append("SPECIAL_SUGGESTED")
    elif category == "special" and ordinary and not special:
        hints.append("ORDINARY_SUGGESTED")
    return hints
