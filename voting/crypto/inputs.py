"""Reading the verifier's input files and writing its report, without tracebacks."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from json import JSONDecodeError
from pathlib import Path
from typing import Any, TextIO

from voting.crypto.canonical import CanonicalError, parse_json
from voting.crypto.keys import load_public_key
from voting.crypto.shape import Mismatch


class Unreadable(Exception):
    """An input file cannot be read as JSON; ``voting verify`` exits 2."""


def load_document(path: str, what: str) -> Any:
    """Read and parse one input file."""
    try:
        return parse_json(Path(path).read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise Unreadable(f"cannot read the {what} file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise Unreadable(f"the {what} file {path} is not UTF-8 text") from None
    except JSONDecodeError as exc:
        raise Unreadable(f"the {what} file {path} is not valid JSON: {exc}") from None
    except RecursionError:
        raise Unreadable(f"the {what} file {path} nests too deeply to be a document") from None
    except CanonicalError as exc:
        raise Mismatch(f"the {what} file {path} holds {exc}") from None


def read_key(text: str) -> str:
    """Return the base64 public key given directly or in a file."""
    source = Path(text)
    if source.is_file():
        try:
            text = source.read_text(encoding="utf-8-sig").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise Unreadable(f"cannot read the key file {source}: {exc}") from None
    try:
        load_public_key(text)
    except ValueError as exc:
        raise Unreadable(
            f"--key is neither a base64 Ed25519 public key nor a file holding one: {exc}"
        ) from None
    return text


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector: large boards allocate only acyclic objects."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def print_safely(text: str, stream: TextIO) -> None:
    """Print even where the terminal cannot show every character."""
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        print(text.encode("ascii", "backslashreplace").decode("ascii"), file=stream)
