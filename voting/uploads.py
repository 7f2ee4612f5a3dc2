"""Uploaded documents and scans: accepted by their bytes (PDF, PNG, JPEG), never by their
name, and stored with their size and SHA-256 in tables of one shape."""

import hashlib
from typing import Any

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from voting.db import created_at, intpk

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Leading bytes of each accepted kind, and the content type it is served with.
DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_type(data: bytes) -> str | None:
    """The content type of a PDF, PNG or JPEG, by its first bytes; None for anything else."""
    return next((kind for magic, kind in DOCUMENT_TYPES if data.startswith(magic)), None)


def safe_file_name(name: str | None, default: str = "document") -> str:
    """The last part of an uploaded file's name, at most 255 characters, never empty."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or default


def document_refusal(data: bytes, limit: int = MAX_DOCUMENT_BYTES) -> str | None:
    """Why a document cannot be stored: "size" (empty or above ``limit``), "type", or None."""
    if not data or len(data) > limit:
        return "size"
    return None if sniff_type(data) else "type"


class StoredDocument:
    """The columns of an attached document; a model adds what it belongs to."""

    id: Mapped[intpk]
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[created_at]

    @staticmethod
    def fields(file_name: str | None, data: bytes) -> dict[str, Any]:
        """The stored columns of accepted bytes (see ``document_refusal``)."""
        return {
            "file_name": safe_file_name(file_name),
            "content_type": sniff_type(data),
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "data": data,
        }

    def audit_data(self) -> dict[str, Any]:
        """What the audit log keeps of an added document: its id, name, digest and size."""
        return {
            "document_id": self.id,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "size": self.size,
        }
