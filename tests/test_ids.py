"""Ids in URLs go up to the largest BIGINT key (credentials, ballots and audit events have
one); beyond it, and beyond the range of a table's own key, a URL names nothing: 404, never a
database error or a 422."""

import pytest
from werkzeug.exceptions import NotFound

BIGINT_MAX = 2**63 - 1


def id_routes(app):
    """Every rule whose variables are all ids, with the methods it answers."""
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items() if converter.regex == r"\d+"]
        if names and len(names) == len(rule._converters):
            yield rule, names, sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_id_in_a_url_takes_bigint_keys_and_nothing_larger(app):
    adapter = app.url_map.bind("localhost")
    routes = list(id_routes(app))
    assert len(routes) > 80  # pages and API alike
    for rule, names, methods in routes:
        for value, found in ((2**31, True), (BIGINT_MAX, True), (BIGINT_MAX + 1, False)):
            path = rule.rule
            for name in names:
                path = path.replace(f"<int:{name}>", str(value))
            if not found:
                with pytest.raises(NotFound):
                    adapter.match(path, method=methods[0])
                continue
            endpoint, args = adapter.match(path, method=methods[0])
            assert endpoint == rule.endpoint and all(args[n] == value for n in names), path


@pytest.mark.parametrize("value", [2**31, 2**40, BIGINT_MAX, BIGINT_MAX + 1, 2**70])
def test_ids_beyond_a_table_are_not_found_on_pages_and_api(client, auth, make, value):
    office = make.office()
    make.community(office)  # rows exist; the ids asked for are none of theirs
    admin = make.user("admin", "root")
    headers = {"Authorization": f"Bearer {make.token(admin)}"}
    for path in (
        f"/api/v1/meetings/{value}",
        f"/api/v1/meetings/{value}/result",
        f"/api/v1/communities/{value}",
        f"/api/v1/consultations/{value}",
        f"/api/v1/offices/{value}/dashboard",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, (path, response.json)
        assert response.json["error"]["code"] in ("not_found", "not_published"), path
    auth.login(admin)
    for path in (f"/meetings/{value}", f"/communities/{value}/meetings"):
        assert client.get(path).status_code == 404, path
