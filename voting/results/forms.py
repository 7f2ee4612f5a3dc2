"""Forms of the results pages: publish, correct, countersign, return, objections, keys."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from voting.results.objections import MAX_ANSWER, MAX_TEXT
from voting.results.services import MAX_REASON
from voting.typed import plain_code

OBJECTION_KIND_CHOICES = [
    SelectChoice("receipt_missing", _l("我的回执不在公示的表决记录中")),
    SelectChoice("wrong_area", _l("我的专有部分面积计算有误")),
    SelectChoice("other", _l("其他异议")),
]


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (publish, countersign, make a key)."""


class ReasonForm(FlaskForm):
    """An action that needs a written reason (a correction, a return)."""

    reason = TextAreaField(
        _l("理由"), validators=[DataRequired(), Length(max=MAX_REASON)], render_kw={"rows": 3}
    )


class ObjectionForm(FlaskForm):
    """An owner's objection to the preliminary result."""

    kind = RadioField(_l("异议类型"), choices=OBJECTION_KIND_CHOICES, validators=[DataRequired()])
    receipt = StringField(
        _l("回执编号（选第一项时必填）"), filters=[plain_code],
        validators=[Optional(), Length(max=64)],
        render_kw={"autocomplete": "off", "inputmode": "latin"},
    )  # fmt: skip
    text = TextAreaField(
        _l("说明"), validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 4}
    )


class AnswerForm(FlaskForm):
    """The committee's answer to an objection."""

    answer = TextAreaField(
        _l("答复"), validators=[DataRequired(), Length(max=MAX_ANSWER)], render_kw={"rows": 3}
    )


REVOCATION_AUTHORITY_CHOICES = [
    SelectChoice("office", _l("街道办事处决定撤销")),
    SelectChoice("court", _l("人民法院判决撤销")),
]


class RevocationForm(FlaskForm):
    """The street office revokes a published decision, with its ground and document."""

    authority = RadioField(
        _l("撤销依据"), choices=REVOCATION_AUTHORITY_CHOICES, validators=[DataRequired()]
    )
    reference = StringField(_l("文号或案号"), validators=[Optional(), Length(max=200)])
    decided_on = DateField(_l("决定或判决日期"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("撤销理由"), validators=[DataRequired(), Length(max=MAX_REASON)], render_kw={"rows": 3}
    )
    file = FileField(_l("撤销决定或判决书（PDF，不超过 10 MB）"), validators=[FileRequired()])


class CandidatesForm(FlaskForm):
    """The candidates of a drafted by-election, one a line (``名称|简介``)."""

    candidates = TextAreaField(
        _l("候选人（每行一个；名称和简介之间用「|」隔开）"),
        validators=[DataRequired(), Length(max=100000)], render_kw={"rows": 5},
    )  # fmt: skip
