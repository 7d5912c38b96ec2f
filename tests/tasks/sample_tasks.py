"""A task kind for the worker tests: counts to n, one chunk a step, leaving one unkeyed
notification per item, so an item done twice would show as a duplicate."""

import time

from hrapp.notifications.services import notify
from hrapp.tasks.services import register_task


@register_task("tests.count", "Count")
def count(params: dict, progress) -> dict:
    n, delay = int(params["n"]), float(params.get("delay", 0))
    progress.start(n, "counting")
    for item in range(progress.done, n):  # resume after the last committed chunk
        time.sleep(delay)
        notify([params["user_id"]], kind="test", message="item %(item)s", params={"item": item})
        progress.advance(1, f"item {item}")
    return {"counted": n}
