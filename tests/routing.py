"""Every route of the app as a request to make: the role and tenancy tests walk them all."""

from collections.abc import Callable, Iterable, Iterator

from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.test import TestResponse


def route_urls(
    app, ids: dict, *, api: bool, public: tuple[str, ...], keep: Callable[[Rule], bool]
) -> Iterator[tuple[str, str]]:
    """(method, path) for each rule of the pages (or of the API) outside ``public`` that
    ``keep`` accepts; path arguments from ``ids`` by name, else a value the converter takes."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api or rule.rule.startswith(public) or not keep(rule):
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            if name in ids:
                values[name] = ids[name]
            elif isinstance(converter, IntegerConverter):
                values[name] = 1
            elif name == "fmt":
                values[name] = "csv"
            else:
                values[name] = sorted(getattr(converter, "items", None) or ["x"])[0]
        path = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


def answers(
    client: FlaskClient, urls: Iterable[tuple[str, str]], **request
) -> Iterator[tuple[str, str, TestResponse]]:
    """Each (method, path) of ``urls`` requested by ``client`` with ``request`` (form data, or
    JSON and headers), with the answer: the tests that walk every route check each one."""
    for method, path in urls:
        yield method, path, client.open(path, method=method, **request)
