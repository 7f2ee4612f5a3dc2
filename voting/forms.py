"""Fields that the forms of several features share."""

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

#: How a ``datetime-local`` input sends a moment (Beijing time, to the minute).
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
#: The first choice of a choice the user must make; it is refused when sent.
CHOOSE = SelectChoice("", _l("— 请选择（必选）—"))


def local_time(label, *, required: bool = True) -> DateTimeLocalField:
    """A moment typed in Beijing time; left empty only when not ``required``."""
    return DateTimeLocalField(
        label, format=LOCAL_FORMAT, validators=[DataRequired() if required else Optional()]
    )


def required_choice(label, choices: list[SelectChoice], message) -> SelectField:
    """A choice the user must make, never guessed: ``CHOOSE`` stands first and is refused
    with ``message``."""
    return SelectField(
        label, choices=[CHOOSE, *choices], validators=[DataRequired(message=message)]
    )
