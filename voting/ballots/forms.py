"""Forms of the ballots feature; the ballot's own fields are built from the meeting's matters."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from voting.ballots.answers import INVALID_REASONS
from voting.forms import local_time
from voting.typed import plain, plain_code


def typed_code(label, required, pattern: str, wrong, **render_kw) -> StringField:
    """A short code typed on a phone (full-width digits and spaces made plain): required,
    and refused with ``wrong`` unless it matches ``pattern``."""
    return StringField(
        label,
        filters=[plain_code],
        validators=[DataRequired(required), Regexp(pattern, message=wrong)],
        render_kw=render_kw,
    )


#: The last four characters of an ID number (the last may be X) or of a phone number.
LAST4_REQUIRED = _l("请输入四位号码。")
LAST4_WRONG = _l("请输入四位数字（身份证末位可以是 X）。")


class VerifyForm(FlaskForm):
    """The last four characters of the voter's ID number or phone."""

    last4 = typed_code(
        _l("后四位"), LAST4_REQUIRED, r"^\s*[0-9Xx]{4}\s*$", LAST4_WRONG,
        autocomplete="off", maxlength=4, autocapitalize="characters", **{"class": "last4"},
    )  # fmt: skip


class CodeForm(FlaskForm):
    """The one-time code sent to the owner's phone."""

    code = typed_code(
        _l("验证码"), _l("请输入手机短信里的 6 位验证码。"), r"^\s*[0-9]{6}\s*$",
        _l("验证码是 6 位数字。"),
        autocomplete="one-time-code", inputmode="numeric", maxlength=6, **{"class": "code"},
    )  # fmt: skip


class SendCodeForm(FlaskForm):
    """The button that asks for a code (its CSRF token only)."""


class UnitCheckForm(FlaskForm):
    """An owner names themselves without their link: building, unit, the last four digits."""

    building = StringField(
        _l("楼栋"), filters=[plain], validators=[DataRequired(_l("请填写楼栋。")), Length(max=64)],
        render_kw={"placeholder": _l("例如：1号楼")},
    )  # fmt: skip
    unit = StringField(
        _l("房号"), filters=[plain], validators=[DataRequired(_l("请填写房号。")), Length(max=32)],
        render_kw={"placeholder": _l("例如：101")},
    )  # fmt: skip
    last4 = typed_code(
        _l("证件号码或手机号码的后四位"), LAST4_REQUIRED, r"^[0-9Xx]{4}$", LAST4_WRONG,
        autocomplete="off", maxlength=4, **{"class": "last4"},
    )  # fmt: skip


class NotMeForm(UnitCheckForm):
    """ "这不是我投的": who the owner is (unless their link says it) and what they know."""

    text = TextAreaField(
        _l("补充说明（可不填）"), validators=[Optional(), Length(max=500)], render_kw={"rows": 3}
    )


class ReportForm(FlaskForm):
    """An owner's note that the roster counts them wrongly."""

    message = TextAreaField(
        _l("哪里有误？"),
        validators=[DataRequired(_l("请写下哪里有误。")), Length(max=1000)],
        render_kw={"rows": 4},
    )


class CodeLookupForm(FlaskForm):
    """The code printed on an owner's paper ballot, typed or scanned by a clerk."""

    class Meta:
        csrf = False

    code = StringField(
        _l("票面编码"), filters=[plain_code], validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "class": "code"},
    )  # fmt: skip


class SearchForm(FlaskForm):
    """Find a voter by building and unit."""

    class Meta:
        csrf = False

    q = StringField(_l("楼栋、房号"), filters=[plain], validators=[Optional(), Length(max=100)])


class ProxyForm(FlaskForm):
    """A written authorisation (委托书) and its scan."""

    agent_name = StringField(_l("受托人姓名"), validators=[DataRequired(), Length(max=100)])
    matters = SelectMultipleField(
        _l("委托表决的事项（不选表示全部事项）"), choices=[], validators=[Optional()]
    )
    instructions = TextAreaField(
        _l("委托人的表决指示（如有）"), validators=[Length(max=2000)], render_kw={"rows": 3}
    )
    valid_until = DateField(_l("委托有效期至（可不填）"), validators=[Optional()])
    scan = FileField(
        _l("书面委托书扫描件（PDF、PNG 或 JPEG）"), validators=[FileRequired(_l("请上传委托书。"))]
    )


def invalid_reason_choices() -> list[SelectChoice]:
    """Choices for ruling a paper ballot or matter invalid, in the reader's language."""
    return [SelectChoice("", "—")] + [
        SelectChoice(code, gettext(zh)) for code, (zh, _en) in INVALID_REASONS.items()
    ]


class EntryForm(FlaskForm):
    """The fixed part of a paper-ballot entry; the answers come from ``m<matter id>`` fields."""

    channel = SelectField(
        _l("渠道"),
        choices=[
            SelectChoice("paper", _l("纸质票（业主本人）")),
            SelectChoice("proxy", _l("委托投票（受托人代投）")),
        ],
    )
    proxy_id = SelectField(_l("委托书"), choices=[], validate_choice=False)
    received_at = local_time(
        _l("票箱或收票人收到的时间（北京时间；表决截止后录入时必填）"), required=False
    )
    whole_invalid = SelectField(_l("整张选票无效"), choices=[], validate_choice=False)


class DeskForm(FlaskForm):
    """Open a help desk on this device."""

    label = StringField(
        _l("协助投票点名称"), validators=[DataRequired(), Length(max=100)], default="会所服务台"
    )
