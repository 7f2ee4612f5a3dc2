"""The OpenAPI 3 document of API v1, one module per feature; requests are validated against it."""

from importlib import import_module

from voting.api import FEATURES as NAMES
from voting.api.schemas.common import ERROR_RESPONSE

FEATURES = tuple(import_module(f"voting.api.schemas.{name}") for name in NAMES)


def paths() -> dict[str, dict]:
    """Every path of the API, from the features' modules."""
    merged: dict[str, dict] = {}
    for feature in FEATURES:
        for path, operations in feature.PATHS.items():
            assert path not in merged, f"{path} is described twice"
            merged[path] = operations
    return merged


def document() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gongyi (共议) API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": ERROR_RESPONSE},
        },
    }
