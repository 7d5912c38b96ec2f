"""In-app notifications: what happened, why it concerns the user, and a link.

Owns `Notification` and `notify()`. Depends on core and auth only, so every domain above may
notify. A notification carries a message id and its parameters, translated when shown, so each
user reads it in their own language. A `key` makes a job's reminders idempotent: the same key for
the same user is stored once. Compartments are the caller's duty: notify only users who may see
the record the notification names (an officer is never told of a planned or open integrity check).
"""
