"""Forms of the administrator's pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from voting.auth.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

_PASSWORD_RULE = Length(
    min=MIN_PASSWORD_LENGTH,
    max=MAX_PASSWORD_LENGTH,
    message=_l("密码须为 10 至 256 个字符。"),
)


class PasswordFields(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("密码（至少 10 位）"), validators=[DataRequired(), _PASSWORD_RULE])
    confirm = PasswordField(
        _l("再输入一次密码"),
        validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))],
    )


class AccountForm(PasswordFields):
    """A new staff account; its role and scope come from the page it is opened on."""

    username = StringField(
        _l("用户名（登录用）"),
        validators=[DataRequired(), Length(max=64, message=_l("用户名最多 64 个字符。"))],
    )
    display_name = StringField(_l("姓名或称呼"), validators=[Length(max=100)])


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""
