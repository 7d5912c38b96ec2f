"""Extension instances, created unbound; create_app attaches them with init_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from hrapp.core.db import metadata


class Database(SQLAlchemy):
    def paginate(self, select, *, page=None, per_page=None, **kwargs):
        """As Flask-SQLAlchemy's, with the page read from the request through a range check."""
        from flask import has_request_context

        from hrapp.core.http import page_args

        if has_request_context():
            page, per_page = page_args(page, per_page)
        return super().paginate(select, page=page, per_page=per_page, **kwargs)


db = Database(metadata=metadata)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
