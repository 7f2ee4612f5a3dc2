"""Forms of the meetings pages, and their conversion to the services' plain values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from voting.forms import local_time, required_choice

CATEGORY_CHOICES = [
    SelectChoice("ordinary", _l("一般事项：参与过三分之二，同意过半数")),
    SelectChoice("special", _l("重大事项：参与过三分之二，同意达四分之三")),
]
KIND_CHOICES = [
    SelectChoice("motion", _l("议案：同意 / 反对 / 弃权")),
    SelectChoice("selection", _l("选择：从几个选项中选一个（如选聘物业）")),
    SelectChoice("election", _l("选举：最多选若干名候选人（如选举业委会）")),
]


class MeetingForm(FlaskForm):
    """The meeting's own fields."""

    title = StringField(_l("会议名称"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("会议说明"), validators=[Optional(), Length(max=20000)])
    place = StringField(
        _l("表决地点和方式"), validators=[Optional(), Length(max=300)], default="线上表决与书面表决"
    )
    opens_at = local_time(_l("表决开始时间（北京时间）"))
    closes_at = local_time(_l("表决截止时间（北京时间）"))
    is_first_meeting = BooleanField(_l("首次业主大会会议（由筹备组召集）"))
    secret = BooleanField(
        _l("无记名表决：选票只以密文保存，由监票人和街道办事处共同解密总数"), default=True
    )
    scrutineers = TextAreaField(
        _l("监票人（2 至 5 名，每行一名；街道办事处另为一名）"),
        validators=[Optional(), Length(max=2000)],
    )
    trustee_threshold = IntegerField(
        _l("解密所需人数（至少 2 名，最多为监票人数加 1）"),
        validators=[Optional(), NumberRange(0, 99)],
    )


class MatterForm(FlaskForm):
    """One matter (表决事项); its category and kind are chosen, never guessed."""

    title = StringField(_l("事项名称"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("事项说明"), validators=[Optional(), Length(max=20000)])
    category = required_choice(_l("事项类别"), CATEGORY_CHOICES, _l("请选择事项类别。"))
    kind = required_choice(_l("表决方式"), KIND_CHOICES, _l("请选择表决方式。"))
    options = TextAreaField(
        _l("选项或候选人（每行一个；名称和简介之间用「|」隔开）"),
        validators=[Optional(), Length(max=100000)],
    )
    seats = IntegerField(_l("应选委员人数（选举）"), validators=[Optional(), NumberRange(1, 99)])
    alternates = IntegerField(
        _l("候补委员人数（选举）"), validators=[Optional(), NumberRange(0, 99)]
    )
    confirm_category = BooleanField(_l("已核对事项类别，确认按所选类别表决"))


class ReasonForm(FlaskForm):
    """A reason (returning a plan, voiding a meeting, revoking a link)."""

    reason = TextAreaField(_l("原因"), validators=[DataRequired(), Length(max=1000)])


class DocumentForm(FlaskForm):
    """A document to attach (PDF, PNG or JPEG, at most 10 MB)."""

    file = FileField(_l("文件（PDF、PNG 或 JPEG，不超过 10 MB）"), validators=[FileRequired()])


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


def matter_from_form(form: MatterForm) -> dict:
    """The matter dict the services take, from the form's fields."""
    matter = {
        "title": form.title.data or "",
        "description": form.description.data or "",
        "category": form.category.data,
        "kind": form.kind.data,
        "confirm_category": bool(form.confirm_category.data),
    }
    if form.kind.data != "motion":
        matter["options"] = parse_options(form.options.data or "")
    elif (form.options.data or "").strip():
        matter["options"] = parse_options(form.options.data)
    if form.kind.data == "election":
        if form.seats.data is not None:
            matter["seats"] = form.seats.data
        matter["alternates"] = form.alternates.data or 0
    return matter


def parse_options(text: str) -> list[dict]:
    """One option per non-empty line; ``名称|简介`` (or full-width ｜) adds a statement."""
    options = []
    for line in text.replace("｜", "|").splitlines():
        label, _, statement = line.partition("|")
        if label.strip():
            options.append({"label": label.strip(), "statement": statement.strip()})
    return options


def plan_from_form(form: MeetingForm) -> dict:
    """The plan's own fields as the services take them (the window in UTC), its secrecy
    included: the same for a new plan and a changed one."""
    from voting.timeutil import to_utc

    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "place": form.place.data or "",
        "opens_at": to_utc(form.opens_at.data),
        "closes_at": to_utc(form.closes_at.data),
        "is_first_meeting": form.is_first_meeting.data,
        **secrecy_from_form(form),
    }


def secrecy_from_form(form: MeetingForm) -> dict:
    """The plan's secrecy as the services take it: open, or secret with names and k."""
    from voting.meetings.secrecy import parse_scrutineers

    if not form.secret.data:
        return {"secret": False}
    return {
        "secret": True,
        "scrutineers": parse_scrutineers(form.scrutineers.data or ""),
        "trustee_threshold": form.trustee_threshold.data,
    }
