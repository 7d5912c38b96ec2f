"""Expected status of the notification routes for each role (see tests/test_access_matrix.py).
A notification belongs to one user: anyone else opening it finds nothing."""

from hrapp.notifications.services import notify

EVERYONE = {"admin": 200, "hr_clerk": 200, "street_hr": 200, "inspector": 200, "officer": 200, "anonymous": 302}
EVERYONE_REDIRECT = {**EVERYONE, "admin": 302, "hr_clerk": 302, "street_hr": 302, "inspector": 302, "officer": 302}
OWNER_ONLY = {"admin": 404, "hr_clerk": 404, "street_hr": 404, "inspector": 404, "officer": 302, "anonymous": 302}


def _officers_notification(world):
    import sqlalchemy as sa

    from hrapp.extensions import db
    from hrapp.notifications.models import Notification

    notify([world.officer_user.id], kind="test", message="Hello", link="/me", key="access")
    return {"notification_id": db.session.scalar(sa.select(Notification.id).where(Notification.key == "access"))}


ROUTES = {
    "notifications.index": {"params": lambda world: {}, "GET": EVERYONE},
    "notifications.open_notification": {"params": _officers_notification, "POST": OWNER_ONLY},
    "notifications.read_all": {"params": lambda world: {}, "POST": EVERYONE_REDIRECT},
}
