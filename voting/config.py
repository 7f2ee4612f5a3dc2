"""Configuration from the environment, with safe defaults for the embedded demo."""

import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)


def instance_path() -> Path:
    """The folder for local state (the SQLite file, the generated secret key), readable by
    this account alone."""
    path = Path(os.environ.get("VOTING_INSTANCE_PATH", Path.cwd() / "instance"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    owner_only(path, 0o700)
    return path


def owner_only(path: Path, mode: int) -> None:
    """Take group and others' access away from a file or folder of ours that has any."""
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(mode)
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("could not make %s private: %s", path, error)


def _secret_key(folder: Path) -> str:
    """The instance secret: from the environment, else generated once into instance/."""
    if key := os.environ.get("VOTING_SECRET_KEY"):
        return key
    key_file = folder / "secret_key"
    if not key_file.exists():
        # Written with O_EXCL so that two workers starting together keep one key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def load_config() -> dict:
    """Read the settings from the environment."""
    folder = instance_path()
    database_url = os.environ.get("VOTING_DATABASE_URL") or f"sqlite:///{folder / 'voting.db'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "VOTING_MIN_NOTICE_DAYS": int(os.environ.get("VOTING_MIN_NOTICE_DAYS", "15")),
        "VOTING_KEY_PASSPHRASE": os.environ.get("VOTING_KEY_PASSPHRASE"),
        "RATELIMIT_STORAGE_URI": os.environ.get("VOTING_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("VOTING_RATELIMIT_KEY_PREFIX", ""),
        "SESSION_COOKIE_SECURE": os.environ.get("VOTING_SECURE_COOKIES", "0") == "1",
        "PUBLIC_URL": os.environ.get("VOTING_PUBLIC_URL", ""),
        "PROXY_HOPS": int(os.environ.get("VOTING_PROXY_HOPS", "0")),
        "VOTING_SMS_PROVIDER": os.environ.get("VOTING_SMS_PROVIDER", "console"),
        "VOTING_QUIET_HOURS": _quiet_hours(),
        **{key: value for key, value in os.environ.items() if key.startswith(SMS_PREFIXES)},
        **{key: int(os.environ[key]) for key in MESSAGE_DEFAULTS if key in os.environ},
        **{key: int(os.environ[key]) for key in ANOMALY_DEFAULTS if key in os.environ},
        **{key: int(os.environ[key]) for key in INPUT_DEFAULTS if key in os.environ},
        **{
            key: os.environ[f"VOTING_{key}"] for key in RATE_LIMITS if f"VOTING_{key}" in os.environ
        },
    }


def _quiet_hours() -> str:
    """``VOTING_QUIET_HOURS``, checked now so that a typo stops the app, not a reminder."""
    from voting.quiet import DEFAULT, parse

    value = os.environ.get("VOTING_QUIET_HOURS", DEFAULT)
    parse(value)
    return value


#: Rate limits (Flask-Limiter notation), each set by ``VOTING_<NAME>``; README lists them.
#: Residents' links count failures only (unknown link, wrong check), so that many honest
#: voters behind one address are never refused.
RATE_LIMITS = {
    "TOKEN_RATE_LIMIT": "30 per minute",  # failures on residents' links, per client address
    "LINK_RATE_LIMIT": "10 per minute",  # failures on one resident's link, from any address
    "LOGIN_RATE_LIMIT": "10 per minute",  # staff login attempts, per client address
    "ACCOUNT_RATE_LIMIT": "5 per minute; 20 per hour; 60 per day",  # per staff account
    "BEARER_RATE_LIMIT": "10 per minute",  # wrong API bearer tokens, per client address
    "OBJECTION_RATE_LIMIT": "20 per hour",  # objections filed, per resident's link
    "RECEIPT_RATE_LIMIT": "60 per minute",  # public receipt look-ups, per client address
}


#: The SMS providers' own settings (voting/messages/providers.py); README lists them.
SMS_PREFIXES = ("VOTING_ALIYUN_", "VOTING_TENCENT_")

#: Limits of messages to owners' phones (voting/messages).
MESSAGE_DEFAULTS = {
    "VOTING_SMS_PER_PHONE_HOUR": 10,
}

#: Thresholds of the anomaly checks (voting/supervision/anomalies.py); README lists them.
ANOMALY_DEFAULTS = {
    "VOTING_ANOMALY_REISSUES": 3,
    "VOTING_ANOMALY_MEETING_REISSUES": 20,
    "VOTING_ANOMALY_FAILED_CHECKS": 3,
    "VOTING_ANOMALY_ADDRESS_FAILURES": 5,
    "VOTING_ANOMALY_BURST_BALLOTS": 5,
    "VOTING_ANOMALY_BURST_MINUTES": 10,
    "VOTING_ANOMALY_PROXIES": 3,
}

#: Bounds on what a request may carry (voting/web.py, voting/rosters/limits.py); README lists them.
INPUT_DEFAULTS = {
    "VOTING_JSON_MAX_DEPTH": 32,
    "VOTING_ROSTER_MAX_PROBLEMS": 200,
    "VOTING_ROSTER_MAX_ROWS": 50_000,
    "VOTING_ROSTER_MAX_COLUMNS": 64,
    "VOTING_ROSTER_MAX_CELLS": 1_000_000,
    "VOTING_ROSTER_MAX_UNZIPPED_MB": 100,
    "VOTING_ROSTER_MAX_RATIO": 100,
    "VOTING_ROSTER_MAX_LINE": 10_000,
}


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "MAX_ROSTER_BYTES": 10 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_CN", "en"],
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_HEADERS_ENABLED": True,
    **RATE_LIMITS,
    **ANOMALY_DEFAULTS,
    **INPUT_DEFAULTS,
    **MESSAGE_DEFAULTS,
}
