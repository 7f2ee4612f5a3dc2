"""Checking the matters of a meeting plan and turning them into Matter and Option rows."""

from typing import Any

from voting.db import db
from voting.i18n import N_
from voting.meetings.errors import MeetingError, of_matter, problem
from voting.meetings.models import CATEGORIES, KINDS, MOTION_OPTIONS, Matter, Meeting, Option
from voting.rules.problems import ERROR, Problem, errors
from voting.rules.process import NOT_ASSEMBLY_MATTERS, is_assembly_matter, validate_seats
from voting.rules.wording import HINTS, category_hints

MAX_MATTERS = 30
MAX_OPTIONS = 60
MAX_SEATS = 99
#: In zh-CN; pages show them through _() (N_ puts them in the catalog).
CATEGORY_LABELS = {"ordinary": N_("一般事项（双过半）"), "special": N_("重大事项（双四分之三）")}
KIND_LABELS = {
    "motion": N_("议案（同意/反对/弃权）"),
    "selection": N_("选择（单选）"),
    "election": N_("选举"),
}


def _text(value: Any, limit: int) -> str | None:
    """The stripped text, or None when it is not a string of 1..limit characters."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        return None
    return value.strip()


def _count(value: Any, default: int) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEATS:
        return None
    return value


def has_nul(value: Any) -> bool:
    """Whether text anywhere in the value holds a NUL character (no database stores it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


NUL_PROBLEM = Problem("TEXT_INVALID", "文字中含有无效字符", "Text holds a NUL character")


def check_matters(matters: Any, households: int) -> list[Problem]:
    """Every problem of a list of matter dicts; categories and kinds must be explicit."""
    if not isinstance(matters, list) or not matters:
        return [
            problem("NO_MATTERS", "会议至少要有一项表决事项", "A meeting needs at least one matter")
        ]
    if has_nul(matters):
        return [NUL_PROBLEM]
    if len(matters) > MAX_MATTERS:
        return [
            problem(
                "TOO_MANY_MATTERS",
                f"一次会议最多 {MAX_MATTERS} 项表决事项",
                f"A meeting has at most {MAX_MATTERS} matters",
            )
        ]
    problems: list[Problem] = []
    for number, matter in enumerate(matters, start=1):
        problems += _check_matter(number, matter, households)
    return problems


def _check_matter(n: int, matter: Any, households: int) -> list[Problem]:
    if not isinstance(matter, dict):
        return [
            problem("MATTER_INVALID", f"第 {n} 项不是有效的事项", f"Matter {n} is not an object")
        ]
    out: list[Problem] = []
    if _text(matter.get("title"), 300) is None:
        out.append(
            problem(
                "MATTER_TITLE",
                f"第 {n} 项缺少标题（最多 300 字）",
                f"Matter {n} needs a title of at most 300 characters",
            )
        )
    description = matter.get("description", "")
    if not isinstance(description, str) or len(description) > 20000:
        out.append(
            problem(
                "MATTER_DESCRIPTION",
                f"第 {n} 项的说明无效",
                f"Matter {n}: the description must be text",
            )
        )
    category, kind = matter.get("category"), matter.get("kind")
    decision = matter.get("decision")
    if category in NOT_ASSEMBLY_MATTERS or (
        isinstance(decision, str) and not is_assembly_matter(decision)
    ):
        out.append(
            of_matter(
                n,
                problem(
                    "NOT_ASSEMBLY_MATTER",
                    "住宅改为经营性用房须经有利害关系的业主一致同意"
                    "（民法典第二百七十九条），不能由业主大会表决",
                    "turning a dwelling to business use needs every interested owner's "
                    "consent (Civil Code art. 279); it is not an assembly vote",
                ),
            )
        )
        return out
    if category not in CATEGORIES:
        out.append(
            problem(
                "MATTER_CATEGORY",
                f"第 {n} 项必须明确选择事项类别（一般或重大）",
                f"Matter {n}: category must be ordinary or special",
            )
        )
    if kind not in KINDS:
        out.append(
            problem(
                "MATTER_KIND",
                f"第 {n} 项必须明确选择表决方式（议案、选择或选举）",
                f"Matter {n}: kind must be motion, selection or election",
            )
        )
        return out
    if kind == "election" and category == "special":
        out.append(
            of_matter(
                n,
                problem(
                    "ELECTION_IS_ORDINARY",
                    "选举业主委员会是一般事项（民法典第二百七十八条第三项），不能按重大事项表决",
                    "electing the committee is an ordinary matter (Civil Code art. 278 (3)), it "
                    "cannot be special",
                ),
            )
        )
        return out
    out += _category_problems(n, matter)
    out += _check_options(n, kind, matter.get("options"))
    seats, alternates = _count(matter.get("seats"), 1), _count(matter.get("alternates"), 0)
    if seats is None or alternates is None:
        out.append(
            problem(
                "MATTER_SEATS",
                f"第 {n} 项的席位数和候补人数必须是 0 至 {MAX_SEATS} 的整数",
                f"Matter {n}: seats and alternates must be integers from 0 to {MAX_SEATS}",
            )
        )
    elif kind == "election":
        if "seats" not in matter:
            out.append(
                problem(
                    "MATTER_SEATS",
                    f"第 {n} 项（选举）必须填写委员人数",
                    f"Matter {n}: an election needs seats",
                )
            )
        else:
            out += [of_matter(n, p) for p in errors(validate_seats(seats, alternates, households))]
    elif seats != 1 or alternates != 0:
        out.append(
            problem(
                "MATTER_SEATS",
                f"第 {n} 项不是选举，不能设置席位或候补",
                f"Matter {n}: only an election has seats and alternates",
            )
        )
    return out


def category_warnings(matter: dict) -> list[str]:
    """Codes of the warnings on a matter's category that the committee confirmed."""
    title, description = matter.get("title"), matter.get("description", "")
    if not isinstance(title, str) or not isinstance(description, str):
        return []
    return category_hints(title, description, matter.get("category", ""))


def _category_problems(n: int, matter: dict) -> list[Problem]:
    """The words of the matter suggest another category: refused until the committee confirms."""
    confirmed = matter.get("confirm_category", False)
    if not isinstance(confirmed, bool):
        return [
            of_matter(
                n,
                problem(
                    "MATTER_CONFIRM", "确认类别须为是或否", "confirm_category must be true or false"
                ),
            )
        ]
    if confirmed:
        return []
    return [
        of_matter(n, problem(f"CATEGORY_{code}", *HINTS[code]))
        for code in category_warnings(matter)
    ]


def check_candidates(n: int, options: Any) -> list[Problem]:
    """Problems of the candidates of election matter ``n`` (a by-election's, named later)."""
    return _check_options(n, "election", options)


def _check_options(n: int, kind: str, options: Any) -> list[Problem]:
    if kind == "motion":
        if options:
            return [
                problem(
                    "MOTION_OPTIONS",
                    f"第 {n} 项是议案，选项固定为同意、反对（可弃权），不需另填选项",
                    f"Matter {n} is a motion: its options are agree and disagree, give none",
                )
            ]
        return []
    least = 2 if kind == "selection" else 1
    if not isinstance(options, list) or not least <= len(options) <= MAX_OPTIONS:
        return [
            problem(
                "MATTER_OPTIONS",
                f"第 {n} 项需要 {least} 至 {MAX_OPTIONS} 个选项或候选人",
                f"Matter {n} needs {least} to {MAX_OPTIONS} options or candidates",
            )
        ]
    labels = []
    for option in options:
        label = _text(option.get("label"), 200) if isinstance(option, dict) else None
        statement = option.get("statement", "") if isinstance(option, dict) else ""
        attestations = option.get("attestations", {}) if isinstance(option, dict) else {}
        if (
            label is None
            or not isinstance(statement, str)
            or len(statement) > 5000
            or not isinstance(attestations, dict)
            or not all(isinstance(v, bool) for v in attestations.values())
        ):
            return [
                problem(
                    "OPTION_INVALID",
                    f"第 {n} 项的每个选项都要有名称（最多 200 字），介绍最多 5000 字",
                    f"Matter {n}: every option needs a label (≤ 200), a statement ≤ 5000",
                )
            ]
        labels.append(label)
    if len(set(labels)) != len(labels):
        return [
            problem(
                "OPTION_DUPLICATE",
                f"第 {n} 项有重复的选项",
                f"Matter {n} has the same option twice",
            )
        ]
    return []


def add_matters(meeting: Meeting, matters: list[dict], start: int = 1) -> None:
    """Create the Matter and Option rows of checked matter dicts; option codes after flush."""
    for position, data in enumerate(matters, start=start):
        matter = Matter(
            community_id=meeting.community_id,
            position=position,
            title=data["title"].strip(),
            description=data.get("description", ""),
            category=data["category"],
            kind=data["kind"],
            seats=data.get("seats", 1) if data["kind"] == "election" else 1,
            alternates=data.get("alternates", 0) if data["kind"] == "election" else 0,
            category_warnings=category_warnings(data) or None,
        )
        if data["kind"] == "motion":
            matter.options = [
                Option(position=i, code=code, label=label)
                for i, (code, label) in enumerate(MOTION_OPTIONS, start=1)
            ]
        else:
            matter.options = [
                Option(
                    position=i,
                    code="",
                    label=o["label"].strip(),
                    statement=o.get("statement", ""),
                    attestations=o.get("attestations", {}),
                )
                for i, o in enumerate(data["options"], start=1)
            ]
        meeting.matters.append(matter)
    db.session.flush()
    for matter in meeting.matters:
        for option in matter.options:
            if not option.code:
                option.code = str(option.id)
    db.session.flush()


def check_meeting_fields(title: Any, description: Any, place: Any) -> list[Problem]:
    """Problems of the plain text fields of a meeting."""
    if has_nul([title, description, place]):
        return [NUL_PROBLEM]
    out = []
    if _text(title, 200) is None:
        out.append(
            problem(
                "MEETING_TITLE",
                "会议名称不能为空，最多 200 字",
                "The title must be 1 to 200 characters",
            )
        )
    if not isinstance(description, str) or len(description) > 20000:
        out.append(
            problem(
                "MEETING_DESCRIPTION",
                "会议说明最多 20000 字",
                "The description must be text of at most 20000 characters",
            )
        )
    if not isinstance(place, str) or len(place) > 300:
        out.append(
            problem(
                "MEETING_PLACE", "地点和方式最多 300 字", "The place must be at most 300 characters"
            )
        )
    return out


def raise_if(problems: list[Problem], status: int = 422) -> None:
    """Raise MeetingError when any problem blocks: 422 for what a plan says, 409 where a state
    change is not possible yet."""
    blocking = [p for p in problems if p.severity == ERROR]
    if blocking:
        raise MeetingError(blocking, status)
