"""The Flask extensions, created unbound and initialised in create_app."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from voting.db import db

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """zh-CN unless the visitor chose English (cookie) or asks for it by ?lang=en."""
    from flask import current_app, has_request_context

    if not has_request_context():  # command line, background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    choice = request.args.get("lang") or request.cookies.get("lang")
    if choice in current_app.config["LANGUAGES"]:
        return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "migrate", "select_locale"]
