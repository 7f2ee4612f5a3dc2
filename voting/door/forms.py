"""Forms of the door-to-door pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from voting.door.models import OUTCOMES


class BuildingHeadForm(FlaskForm):
    """A new building head: account, name shown, and the buildings they visit."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("姓名（显示用）"), validators=[Length(max=100)])
    password = PasswordField(
        _l("初始密码（至少 10 位）"), validators=[DataRequired(), Length(max=256)]
    )
    buildings = SelectMultipleField(_l("负责的楼栋"), choices=[], validators=[DataRequired()],
                                    widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())  # fmt: skip


class VisitForm(FlaskForm):
    """What came of a visit."""

    outcome = SelectField(
        choices=[SelectChoice(o, o) for o in OUTCOMES], validators=[DataRequired()]
    )
