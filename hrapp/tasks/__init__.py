"""Background work: the Celery application, task runs with their progress, and the history of
scheduled job runs.

Owns: `TaskRun` (one row per piece of background work, polled by the page that started it),
`JobRun` (one row per scheduled job run), the task registry (`register_task`) and the admin job
page. Depends on core, auth and notifications; domains register their task kinds here and never
import Celery themselves, so the same function runs from a page (as a task), a CLI command (with a
progress bar) and a test.
"""
