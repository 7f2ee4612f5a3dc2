"""Staff users and their API tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db import Base, created_at, intpk

ROLES = ("admin", "office", "committee")


class User(UserMixin, Base):
    """A staff account: an administrator, office staff of one office, or a committee member."""

    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    last_login_at: Mapped[datetime | None]

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        """True for the administrator."""
        return self.role == "admin"


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[created_at]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")
