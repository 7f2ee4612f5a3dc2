"""Every route of the app as a request to make: the role and tenancy tests walk them all."""

from collections.abc import Callable, Iterator

from werkzeug.routing import IntegerConverter, Rule


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
