"""Forms of the supervision pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from voting.supervision.labels import KIND_LABELS


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class ReasonForm(FlaskForm):
    """An action that needs a reason: returning a plan, ending a mandate."""

    reason = TextAreaField(_l("原因"), validators=[DataRequired(), Length(max=1000)])


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[call-overload]


class MandateForm(FlaskForm):
    """Appoint a preparatory group or a 物管会, or record the elected committee."""

    kind = SelectField(
        _l("类别"),
        choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
        validators=[DataRequired()],
    )
    members = SelectMultipleField(_l("成员"), coerce=int, choices=[])
    owner_reps = SelectMultipleField(_l("其中业主代表"), coerce=int, choices=[])
    term_ends_on = DateField(_l("任期届满日"), validators=[Optional()])
    meeting_id = SelectField(
        _l("选举产生业主委员会的会议（可选）"),
        coerce=_optional_int,
        choices=[],
        validate_choice=False,
    )


class MemberForm(FlaskForm):
    """A new committee account of the community, for a member named by the office."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(
        _l("初始密码（至少 10 位）"), validators=[DataRequired(), Length(min=10)]
    )
