"""Rate limits keyed on the real client (``request.remote_addr`` after ProxyFix).

Residents' links (``/v/<token>``, ``/c/<token>`` and their API) count *failures* only — an
unknown link, a wrong identity check — per client address (``TOKEN_RATE_LIMIT``) and per
link from any address (``LINK_RATE_LIMIT``): successful pages cost nothing, so a building
behind one carrier address or a help desk never blocks honest voters. Staff logins spend a
budget per account (``ACCOUNT_RATE_LIMIT``, tiers that lengthen the wait) besides the one per
address; wrong bearer tokens spend one per address. The counters live in the limiter's
storage (Redis with several workers), whose increments are atomic.
"""

import hashlib
import time

from flask import abort, current_app, g, request
from limits import parse_many

from voting.extensions import limiter

#: The scope shared by every page and API call of a resident's link.
LINK_SCOPE = "resident-link"


def client_address() -> str:
    """The client's address (the proxy's ``X-Forwarded-For`` hop when PROXY_HOPS is set)."""
    return request.remote_addr or "unknown"


def note_failure() -> None:
    """Count this request against the failure budgets of its address and link."""
    g.limited_failure = True


def _failed(response) -> bool:
    return bool(g.get("limited_failure"))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _link_key() -> str:
    """The link's token (from the path or the JSON body) as a digest: never the token."""
    token = (request.view_args or {}).get("token")
    if not token and request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # refused with a clear 400 by the request checks that follow
            body = None
        token = body.get("token") if isinstance(body, dict) else None
    return "link:" + _digest(token) if isinstance(token, str) and token else "link:none"


def _at_help_desk() -> bool:
    """A committee's help desk serves many owners from one address: no address budget.

    The ballots feature registers the check (``app.extensions["voting_help_desk"]``).
    """
    desk_check = current_app.extensions.get("voting_help_desk")
    return bool(desk_check and desk_check())


def _setting(name: str):
    return lambda: current_app.config[name]


def link_budget(view):
    """Failures on a resident's link: per client address and per link."""
    view = limiter.shared_limit(
        _setting("LINK_RATE_LIMIT"), scope=LINK_SCOPE + "-token", key_func=_link_key,
        deduct_when=_failed, override_defaults=False,
    )(view)  # fmt: skip
    return limiter.shared_limit(
        _setting("TOKEN_RATE_LIMIT"), scope=LINK_SCOPE, key_func=client_address,
        deduct_when=_failed, exempt_when=_at_help_desk, override_defaults=False,
    )(view)  # fmt: skip


def entry_budget(view):
    """Failed entries through a topic's poster (building, unit, last four), per address: the
    address budget of links (``TOKEN_RATE_LIMIT``), counted apart."""
    return limiter.limit(
        _setting("TOKEN_RATE_LIMIT"), key_func=client_address, methods=["POST"],
        deduct_when=_failed, exempt_when=_at_help_desk,
    )(view)  # fmt: skip


def objection_budget(view):
    """Objections filed through one resident's link."""
    return limiter.limit(
        _setting("OBJECTION_RATE_LIMIT"), key_func=_link_key, methods=["POST"],
        override_defaults=False,
    )(view)  # fmt: skip


def receipt_budget(view):
    """Public receipt look-ups, per client address."""
    return limiter.limit(_setting("RECEIPT_RATE_LIMIT"), key_func=client_address)(view)


def login_budget(view):
    """Staff login attempts, per client address."""
    return limiter.limit(_setting("LOGIN_RATE_LIMIT"), key_func=client_address, methods=["POST"])(
        view
    )


def _items(setting: str):
    return sorted(parse_many(current_app.config[setting]))


def _key(setting: str, subject: str) -> list[str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return [part for part in (prefix, setting.lower(), _digest(subject)) if part]


def _refuse(setting: str, subject: str):
    """429 with the wait until the tier that refused frees a try."""
    strategy, key = limiter.limiter, _key(setting, subject)
    waits = [
        strategy.get_window_stats(item, *key).reset_time
        for item in _items(setting)
        if not strategy.test(item, *key)
    ]
    if waits:
        g.retry_after = max(1, int(max(waits) - time.time()) + 1)
    abort(429)


def spend(setting: str, subject: str) -> None:
    """Take one try from ``subject``'s budget atomically, or answer 429 when none is left."""
    if not limiter.enabled:
        return
    strategy, key = limiter.limiter, _key(setting, subject)
    for item in _items(setting):
        if not strategy.hit(item, *key):
            _refuse(setting, subject)


def check(setting: str, subject: str) -> None:
    """Answer 429 when ``subject`` has no try left (spend it later, on failure)."""
    if not limiter.enabled:
        return
    strategy, key = limiter.limiter, _key(setting, subject)
    if not all(strategy.test(item, *key) for item in _items(setting)):
        _refuse(setting, subject)


def spend_failure(setting: str, subject: str) -> None:
    """Count one failure of ``subject`` (its next request will be refused when over)."""
    if not limiter.enabled:
        return
    strategy, key = limiter.limiter, _key(setting, subject)
    for item in _items(setting):
        strategy.hit(item, *key)
