"""Forms of the consultation pages (staff and owners)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from voting.forms import local_time
from voting.meetings.matters import CATEGORY_LABELS
from voting.typed import plain, plain_code

KIND_CHOICES = [
    SelectChoice("single", _l("单选")),
    SelectChoice("multiple", _l("多选")),
    SelectChoice("scale", _l("评分（1–5 分）")),
]
CATEGORY_CHOICES = [SelectChoice("", _l("请选择"))] + [
    SelectChoice(category, _l(label)) for category, label in CATEGORY_LABELS.items()
]


class ConsultationForm(FlaskForm):
    """A topic: title, text and deadline."""

    title = StringField(_l("标题"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("议题说明"), validators=[Length(max=20000)])
    deadline = local_time(_l("截止时间"))


class QuestionForm(FlaskForm):
    """An opinion question; choice options one per line."""

    title = StringField(_l("问题"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("类型"), choices=KIND_CHOICES)
    options = TextAreaField(_l("选项（每行一个；评分题不用填写）"), validators=[Length(max=7000)])
    max_choices = IntegerField(
        _l("多选题最多可选几项（不填则不限）"), validators=[Optional(), NumberRange(1, 30)]
    )


class DocumentForm(FlaskForm):
    """A PDF or image for the topic."""

    file = FileField(_l("文件（PDF、PNG 或 JPEG，最大 10 MB）"), validators=[FileRequired()])


class SatisfactionForm(FlaskForm):
    """The yearly satisfaction survey: its year and deadline."""

    year = IntegerField(_l("调查年度"), validators=[DataRequired(), NumberRange(2000, 2100)])
    deadline = local_time(_l("截止时间"))


class ReasonForm(FlaskForm):
    """Why a comment is hidden."""

    reason = StringField(_l("隐藏理由"), validators=[DataRequired(), Length(max=300)])


class CommentForm(FlaskForm):
    """A comment or a reply (length is checked by the service, with a clear message)."""

    body = TextAreaField(_l("我的意见"), validators=[DataRequired()])
    parent_id = HiddenField()


class MeetingDraftForm(FlaskForm):
    """A draft meeting made from an opinion question."""

    title = StringField(_l("会议名称"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("事项类别"), choices=CATEGORY_CHOICES, validators=[DataRequired()])
    opens_at = local_time(_l("表决开始时间"))
    closes_at = local_time(_l("表决截止时间"))
    confirm_category = BooleanField(_l("已核对事项类别，确认按所选类别表决"))


class VerifyForm(FlaskForm):
    """The last four characters of the ID number or phone number."""

    last4 = StringField(
        _l("身份证号或手机号的后四位"),
        filters=[plain_code],
        validators=[DataRequired(), Length(min=4, max=4)],
    )


class EntryForm(VerifyForm):
    """Entry through the topic's QR code: building, unit and the last four characters."""

    building = SelectField(_l("楼栋"), validators=[DataRequired()])
    unit = StringField(_l("房号"), filters=[plain], validators=[DataRequired(), Length(max=64)])
