"""Results (FORMATS.md §4, §7): signed results, the bulletin board, public keys."""

from voting.api.schemas.common import (
    ANYONE_OR_BEARER,
    BEARER,
    ERROR,
    OBJECT,
    REASON,
    TIME,
    id_param,
    json_body,
    ok,
    record,
)

VERSION_PARAM = {
    "name": "version",
    "in": "query",
    "required": False,
    "description": "an earlier version of the result (default: the one in force)",
    "schema": {"type": "integer", "minimum": 1},
}
SIGNATURE = record(
    ["role", "key_id", "public_key", "signature", "signed_at"],
    {
        "role": {"enum": ["committee", "office"]},
        "key_id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
        "public_key": {"type": "string"},
        "signature": {"type": "string"},
        "signed_at": TIME,
        "scheme": {"const": "gongyi-sig/2"},
        "statement_signature": {"type": "string", "description": "over STATEMENT, FORMATS.md §4.1"},
        "countersigns": record(
            ["key_id", "signed_at"], {"key_id": {"type": "string"}, "signed_at": TIME}
        ),
    },
)
RESULT = record(
    ["document", "signatures"],
    {
        "document": {"type": "object", "description": "DOC of FORMATS.md §4"},
        "signatures": {"type": "array", "items": SIGNATURE},
        "countersigned": {"type": "boolean", "description": "an office signature is present"},
    },
)
BOARD = record(
    ["format", "meeting_id", "entries"],
    {
        "format": {
            "enum": ["gongyi-board/1", "gongyi-board/2"],
            "description": "gongyi-board/2 for a secret-ballot meeting: answers encrypted",
        },
        "meeting_id": {"type": "string"},
        "entries": {"type": "array", "items": {"type": "object"}},
    },
)
REVOCATION = record(
    ["document", "signatures"],
    {
        "document": {
            "type": "object",
            "description": "RDOC of FORMATS.md §4.2",
            "required": ["format", "revokes", "authority", "decided_on", "reason", "attachment"],
            "properties": {
                "format": {"const": "gongyi-revocation/1"},
                "authority": {"enum": ["office", "court"]},
                "decided_on": {"type": "string", "format": "date"},
            },
        },
        "signatures": {"type": "array", "items": SIGNATURE, "minItems": 1},
    },
)
KEY_FIELDS = ["key_id", "public_key", "role", "owner", "created_at", "retired_at"]

PATHS = {
    "/meetings/{meeting_id}/result": {
        "get": {
            "summary": "The signed result (anyone, once published; 404 before)",
            "security": [],
            "parameters": [id_param("meeting_id"), VERSION_PARAM],
            "responses": ok("the result and its signatures", RESULT),
        }
    },
    "/meetings/{meeting_id}/board": {
        "get": {
            "summary": "The bulletin board frozen with the result (anyone, once published)",
            "description": (
                "Before publication, 404. A secret-ballot meeting's board (gongyi-board/2, "
                "choices encrypted) is also given to the community's staff once voting has "
                "closed, read live from the ballots, so that trustees and staff can check it "
                "before decryption; ?version= then answers 404."
            ),
            "security": ANYONE_OR_BEARER,
            "parameters": [id_param("meeting_id"), VERSION_PARAM],
            "responses": ok("the board", BOARD),
        }
    },
    "/meetings/{meeting_id}/receipts/{receipt}": {
        "get": {
            "summary": "A receipt's entry and Merkle inclusion proof (anyone, once published)",
            "description": (
                "The entry of the published board with this receipt, its index (from 0), the "
                "board's size, the entry's leaf hash (SHA-256 of 0x00 and its canonical bytes, "
                "a secret meeting's fingerprint) and the RFC 6962 audit path to the published "
                "Merkle root, nearest the leaf first. A secret meeting's entry carries only "
                "ciphertexts: no choice. 404 not_on_board when no entry has the receipt."
            ),
            "security": [],
            "parameters": [
                id_param("meeting_id"),
                {
                    "name": "receipt",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 64},
                },
            ],
            "responses": {
                **ok(
                    "the entry and its inclusion proof",
                    {
                        "type": "object",
                        "required": [
                            "receipt",
                            "entry",
                            "index",
                            "size",
                            "leaf",
                            "proof",
                            "merkle_root",
                        ],
                        "properties": {
                            "receipt": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                            "entry": OBJECT,
                            "index": {"type": "integer", "minimum": 0},
                            "size": {"type": "integer", "minimum": 1},
                            "leaf": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                            "proof": {
                                "type": "array",
                                "items": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                            },
                            "merkle_root": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        },
                    },
                ),
                "429": ERROR,
            },
        }
    },
    "/meetings/{meeting_id}/publish": {
        "post": {
            "summary": "Sign and publish the result (committee)",
            "description": (
                "Without a body: the first publication of a tallied meeting (preliminary when "
                "the rules of procedure set an objection period), or the final result once "
                'the period is over and every objection answered. With {"correction": '
                "reason}: a new version that supersedes the one in force; published results "
                "are never changed. 409 when the state does not allow it."
            ),
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "requestBody": json_body(
                {"type": "object", "properties": {"correction": REASON}}, required=False
            ),
            "responses": {**ok("the signed result", RESULT, "201"), "409": ERROR},
        }
    },
    "/meetings/{meeting_id}/countersign": {
        "post": {
            "summary": 'Countersign the result (office), or return it with {"return": reason}',
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "requestBody": json_body(
                {"type": "object", "properties": {"return": REASON}}, required=False
            ),
            "responses": {
                **ok("the countersigned result, or {returned, version, reason}", OBJECT),
                "409": ERROR,
            },
        }
    },
    "/meetings/{meeting_id}/revoke": {
        "post": {
            "summary": "Revoke the published decision (the community's own street office)",
            "description": (
                "For the office's own annulment (authority office) or a court's ruling "
                "(authority court), with the reason, the day it was decided and the ruling or "
                "decision as a PDF of at most 10 MB. The office signs a revocation document "
                "naming the result in force by its hash; the meeting becomes revoked and the "
                "result stays published and verifiable. 409 when there is no final published "
                "result or it was already revoked."
            ),
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": record(
                            ["authority", "reason", "decided_on", "file"],
                            {
                                "authority": {"enum": ["office", "court"]},
                                "reason": REASON,
                                "decided_on": {"type": "string", "format": "date"},
                                "reference": {"type": "string", "maxLength": 200},
                                "file": {"type": "string", "format": "binary"},
                            },
                        )
                    }
                },
            },
            "responses": {**ok("the signed revocation", REVOCATION, "201"), "409": ERROR},
        }
    },
    "/meetings/{meeting_id}/revocation": {
        "get": {
            "summary": "The signed revocation (anyone, once revoked; 404 before)",
            "security": [],
            "parameters": [id_param("meeting_id")],
            "responses": ok("the revocation and its signature", REVOCATION),
        }
    },
    "/keys": {
        "get": {
            "summary": "Public keys of committees and offices, current and retired",
            "security": [],
            "responses": ok(
                "keys",
                record(
                    ["keys"],
                    {
                        "keys": {
                            "type": "array",
                            "items": {"type": "object", "required": KEY_FIELDS},
                        }
                    },
                ),
            ),
        }
    },
}
