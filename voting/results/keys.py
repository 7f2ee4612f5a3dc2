"""Signing keys of committees and offices: made, rotated, encrypted at rest, used to sign.

The private key is stored only as PKCS#8 encrypted under a passphrase: the operator's
``VOTING_KEY_PASSPHRASE`` when set, else one derived from the instance secret with HKDF.
It is never logged, shown or exported; only public keys and their ids leave the server.
"""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.audit.services import current_actor, record_event
from voting.crypto import (
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    key_id,
    public_key_b64,
)
from voting.crypto.statement import sign
from voting.db import db, utcnow
from voting.errors import Said
from voting.results.models import SigningKey
from voting.rosters.models import Community, Office
from voting.timeutil import rfc3339

_HKDF_INFO = b"gongyi signing keys at rest v1"


class SigningKeyError(Said):
    """A key cannot be made or used; the message says why in the user's language."""


def key_passphrase() -> bytes:
    """The passphrase that encrypts private keys at rest."""
    configured = current_app.config.get("VOTING_KEY_PASSPHRASE")
    if configured:
        return configured.encode() if isinstance(configured, str) else bytes(configured)
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
    return derived.derive(secret).hex().encode()


def current_key(owner: Community | Office) -> SigningKey | None:
    """The owner's key in force, if it has one."""
    column = SigningKey.community_id if isinstance(owner, Community) else SigningKey.office_id
    return db.session.scalar(
        select(SigningKey)
        .where(column == owner.id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.id.desc())
    )


def current_keys(owner_type: type[Community] | type[Office], ids: list[int]) -> dict:
    """The key in force of each of these communities (or offices), by owner id."""
    column = SigningKey.community_id if owner_type is Community else SigningKey.office_id
    if not ids:
        return {}
    rows = db.session.scalars(
        select(SigningKey).where(column.in_(ids), SigningKey.retired_at.is_(None))
    )
    return {getattr(key, column.key): key for key in rows}


def _lock_owner(owner: Community | Office) -> None:
    """Serialise key rotation per owner so that two current keys can never coexist."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(type(owner).id).where(type(owner).id == owner.id).with_for_update()
        )


def create_signing_key(owner: Community | Office, actor: str | None = None) -> SigningKey:
    """Make a new key for a committee or office, retiring the one it replaces."""
    _lock_owner(owner)
    previous = current_key(owner)
    now = utcnow()
    if previous is not None:
        previous.retired_at = now
    private = generate_private_key()
    public = public_key_b64(private)
    is_community = isinstance(owner, Community)
    key = SigningKey(
        community_id=owner.id if is_community else None,
        office_id=None if is_community else owner.id,
        key_id=key_id(public),
        public_key=public,
        private_key_pem=encrypt_private_key(private, key_passphrase()),
        created_at=now,
        created_by=actor or current_actor(),
    )
    db.session.add(key)
    db.session.flush()
    data = {
        "key_id": key.key_id,
        "public_key": public,
        "role": key.role,
        "replaces": previous.key_id if previous else None,
    }
    if is_community:
        record_event("key.created", data, community_id=owner.id, actor=actor)
    else:
        record_event("key.created", data, office_id=owner.id, actor=actor)
    return key


def check_key_may_sign(key: SigningKey, community: Community, role: str) -> None:
    """Refuse a key that is retired or does not belong to this community's committee/office."""
    if key.retired_at is not None:
        raise SigningKeyError(_l("这把签名密钥已停用，不能再签名。"))
    if role == "committee":
        allowed = key.community_id is not None and key.community_id == community.id
    elif role == "office":
        allowed = key.office_id is not None and key.office_id == community.office_id
    else:
        allowed = False
    if not allowed:
        raise SigningKeyError(_l("这把密钥不属于本小区的业委会或所属街道，不能为本小区签名。"), 403)


def sign_as(
    key: SigningKey, community: Community, role: str, doc: dict, countersigns: dict | None = None
) -> dict:
    """Sign ``doc`` with ``key`` for ``community`` in ``role``; return the SIG object, which
    signs canonical(doc) and (gongyi-sig/2) its role, key, time and what it countersigns."""
    check_key_may_sign(key, community, role)
    try:
        private = decrypt_private_key(key.private_key_pem, key_passphrase())
    except (ValueError, TypeError):
        # A changed passphrase or secret: say so without revealing anything of the key.
        raise SigningKeyError(
            _l("无法解密签名密钥：服务器的密钥口令已更改。请联系管理员，或重新生成密钥。")
        ) from None
    if public_key_b64(private) != key.public_key:
        raise SigningKeyError(_l("签名密钥与登记的公钥不一致，已拒绝签名。"))
    return sign(private, doc, role, rfc3339(utcnow()), countersigns)


def key_rows() -> list[tuple[SigningKey, Community | None, Office | None]]:
    """Every key, current and retired, with its owner, oldest first."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(SigningKey, Community, Office)
            .outerjoin(Community, SigningKey.community_id == Community.id)
            .outerjoin(Office, SigningKey.office_id == Office.id)
            .order_by(SigningKey.id)
        )
    ]


def public_keys() -> list[dict]:
    """Every public key, current and retired, with its owner (GET /api/v1/keys)."""
    return [key_json(key, community, office) for key, community, office in key_rows()]


def key_json(key: SigningKey, community: Community | None, office: Office | None) -> dict:
    """One key as published: id, public key, role, owner, created and retired times."""
    if community is not None:
        owner = {"kind": "community", "id": str(community.id), "name": community.name}
    else:
        owner = {"kind": "office", "id": str(office.id), "name": office.name}
    return {
        "key_id": key.key_id,
        "public_key": key.public_key,
        "role": key.role,
        "owner": owner,
        "created_at": rfc3339(key.created_at),
        "retired_at": rfc3339(key.retired_at) if key.retired_at else None,
    }
