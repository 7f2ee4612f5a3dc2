"""Forms of the decryption page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

#: A key-share file is about 500 bytes; a decryption about 1 KB a total.
MAX_SHARE_TEXT = 20_000
MAX_DECRYPTION_BYTES = 5_000_000


class ShareForm(FlaskForm):
    """A trustee's sealed share (file, or the text of its key card's QR code) and passphrase."""

    share_file = FileField(_l("密钥文件（.json）"))
    share_text = TextAreaField(
        _l("或粘贴密钥卡二维码中的全部文字"), validators=[Optional(), Length(max=MAX_SHARE_TEXT)]
    )
    passphrase = PasswordField(
        _l("口令（密钥卡上的 6 组字符）"), validators=[DataRequired(), Length(max=200)]
    )


class DecryptionForm(FlaskForm):
    """A TRUSTEE_DECRYPTION made offline with ``voting trustee decrypt``."""

    decryption_file = FileField(_l("解密文件（.json）"))
    decryption_text = TextAreaField(
        _l("或粘贴解密文件的全部文字"), validators=[Optional(), Length(max=MAX_DECRYPTION_BYTES)]
    )
