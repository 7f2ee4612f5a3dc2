"""Requests released together from threads of their own, for the PostgreSQL concurrency tests."""

import threading


def post_at_once(
    app, path: str, bodies: list[dict | None], headers: dict | None = None, *, form: bool = False
):
    """POST each body (None: no body) to ``path`` from its own thread, all released
    together, as JSON (or as a form); the statuses in the order of ``bodies``."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int | None] = [None] * len(bodies)

    def post(index: int, body: dict | None) -> None:
        client = app.test_client()
        barrier.wait()
        sent = {"data": body} if form else {"json": body}
        statuses[index] = client.post(path, headers=headers, **sent).status_code

    threads = [threading.Thread(target=post, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return statuses
