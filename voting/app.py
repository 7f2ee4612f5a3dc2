"""Application assembly: configuration, extensions, blueprints, command line."""

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from voting.config import DEFAULTS, load_config
from voting.db import db
from voting.extensions import babel, csrf, limiter, login_manager, migrate, select_locale
from voting.operations import add_operations, configure_request_log
from voting.schema import MIGRATIONS


def build_app(config: dict | None = None) -> Flask:
    """Create the Flask application (see ``voting.create_app``)."""
    app = Flask(__name__, instance_relative_config=False)
    from voting.web import IdConverter

    app.url_map.converters["int"] = IdConverter
    configure(app, config)
    trust_proxies(app)
    configure_logging(app)
    init_extensions(app)
    add_blueprints(app)
    add_cli(app)
    return app


def configure(app: Flask, config: dict | None) -> None:
    """Defaults, then the environment, then the mapping given (tests)."""
    app.config.update(DEFAULTS)
    app.config.update(load_config())
    app.config.update(config or {})


def trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_HOPS`` reverse proxies, take the client's address, scheme and host from
    their ``X-Forwarded-*`` headers (only that many hops: the rest could be forged)."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def configure_logging(app: Flask) -> None:
    """Plain log lines on stderr; request bodies and tokens are never logged."""
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        configure_request_log()


def init_extensions(app: Flask) -> None:
    """Bind every extension to the app."""
    from voting.audit.services import name_actors_with
    from voting.auth.access import acting_actor, load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, compare_type=True, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    name_actors_with(app, acting_actor)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    _import_models()
    _connect_listeners()


def _connect_listeners() -> None:
    """Features that react to a meeting's steps listen to its signals (imports point down)."""
    from voting.meetings.credentials import link_reissued
    from voting.meetings.services import notice_served, voting_opened
    from voting.messages.notices import queue_links, queue_notices, queue_reissued_link

    notice_served.connect(queue_notices, weak=False)
    voting_opened.connect(queue_links, weak=False)
    link_reissued.connect(queue_reissued_link, weak=False)


def _import_models() -> None:
    """Every model module, so that metadata (and Alembic) sees every table."""
    import voting.audit.models  # noqa: F401
    import voting.auth.models  # noqa: F401
    import voting.ballots.models  # noqa: F401
    import voting.consultations.models  # noqa: F401
    import voting.door.models  # noqa: F401
    import voting.meetings.models  # noqa: F401
    import voting.messages.models  # noqa: F401
    import voting.results.models  # noqa: F401
    import voting.rosters.models  # noqa: F401
    import voting.supervision.models  # noqa: F401


def add_blueprints(app: Flask) -> None:
    """Public pages, staff pages behind login, and the JSON API behind bearer tokens."""
    from voting.admin.views import admin_only
    from voting.admin.views import bp as admin_bp
    from voting.api import bp as api_bp
    from voting.auth.access import require_staff
    from voting.auth.views import bp as auth_bp
    from voting.ballots.views import bp as ballots_bp
    from voting.consultations.public import bp as consult_bp
    from voting.consultations.views import bp as consultations_bp
    from voting.door.views import bp as door_bp
    from voting.door.views import require_login
    from voting.meetings.views import bp as meetings_bp
    from voting.messages.views import bp as messages_bp
    from voting.results.views import bp as results_bp
    from voting.rosters.views import bp as rosters_bp
    from voting.supervision.views import bp as supervision_bp
    from voting.trustees.views import bp as trustees_bp
    from voting.web import add_web_handlers

    add_operations(app)  # public: /healthz; the request log
    add_web_handlers(app)
    app.register_blueprint(auth_bp)  # public: login, language
    app.register_blueprint(ballots_bp)  # public: residents' links /v/<token>, no account
    app.register_blueprint(consult_bp)  # public: owners' consultation links /c/<token>, /t/<key>
    app.register_blueprint(results_bp)  # public announcements and board; staff parts check login
    register_staff(app, rosters_bp, require_staff)
    register_staff(app, meetings_bp, require_staff)
    register_staff(app, messages_bp, require_staff)
    register_staff(app, consultations_bp, require_staff)
    register_staff(app, supervision_bp, require_staff)
    register_staff(app, trustees_bp, require_staff)
    register_staff(app, admin_bp, admin_only)
    register_staff(app, door_bp, require_login)  # committee's building heads; building heads
    csrf.exempt(api_bp)  # bearer tokens, no cookies: nothing for CSRF to protect
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_staff(app: Flask, blueprint, guard) -> None:
    """Register a blueprint whose every request first passes ``guard`` (login required)."""
    app.register_blueprint(blueprint)
    app.before_request_funcs.setdefault(blueprint.name, []).append(guard)


def add_cli(app: Flask) -> None:
    """The ``voting`` subcommands."""
    from voting.cli import register

    register(app)
