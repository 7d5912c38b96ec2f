"""Configuration classes, read from the environment.

Pick one with HRAPP_CONFIG (development, testing, production); development is the default.
Production refuses to start without SECRET_KEY and DATABASE_URL: there is no fallback secret.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _instance_secret(instance_dir: Path) -> str:
    """A per-installation random key for development, kept in instance/ so sessions survive restarts."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    INSTANCE_DIR = Path(os.environ.get("HRAPP_INSTANCE_DIR", BASE_DIR / "instance"))
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'hrapp.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REPORTS_DIR = os.environ.get("REPORTS_DIR", str(BASE_DIR / "reports"))
    PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH")
    # Processes rendering a batch issue of assessment PDFs; unset means one per core.
    ASSESSMENT_ISSUE_WORKERS = int(os.environ.get("ASSESSMENT_ISSUE_WORKERS") or 0) or None
    # Where the QR code of an issued document points (the verification page of this site).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # Integrity evidence files live outside the web root; unset means INSTANCE_DIR/evidence.
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR")
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute")
    # Login throttle (hrapp/auth/throttle.py): after LOGIN_FREE_FAILURES wrong passwords a client
    # waits LOGIN_BACKOFF_SECONDS, doubled per further failure up to LOGIN_BACKOFF_MAX_SECONDS, for
    # that account only; past LOGIN_ACCOUNT_FAILURES_PER_HOUR failures on one account from browsers
    # without its device cookie, such browsers are refused for it. No account is ever locked.
    LOGIN_FREE_FAILURES = int(os.environ.get("LOGIN_FREE_FAILURES", "5"))
    LOGIN_BACKOFF_SECONDS = int(os.environ.get("LOGIN_BACKOFF_SECONDS", "15"))
    LOGIN_BACKOFF_MAX_SECONDS = int(os.environ.get("LOGIN_BACKOFF_MAX_SECONDS", "900"))
    LOGIN_ACCOUNT_FAILURES_PER_HOUR = int(os.environ.get("LOGIN_ACCOUNT_FAILURES_PER_HOUR", "50"))
    # Set at a successful login; marks the browser as one the account's owner has used.
    LOGIN_DEVICE_COOKIE = "hrapp_device"
    LOGIN_DEVICE_COOKIE_DAYS = int(os.environ.get("LOGIN_DEVICE_COOKIE_DAYS", "365"))
    LOGIN_ATTEMPTS_KEEP_DAYS = int(os.environ.get("LOGIN_ATTEMPTS_KEEP_DAYS", "90"))

    # Background work (Celery). Production and CI: Redis (redis://127.0.0.1:6379/0). The embedded
    # default is Celery's SQLAlchemy transport on a SQLite file, so `make run` needs no server.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or f"sqla+sqlite:///{INSTANCE_DIR / 'celery-broker.sqlite'}"
    CELERY_TRANSPORT_OPTIONS: dict = {}
    # A running task renews its lease with each progress report; one silent for longer is resumed.
    TASK_LEASE_SECONDS = int(os.environ.get("TASK_LEASE_SECONDS", "120"))

    PAGE_SIZE = 50

    # Uploads: a request body above MAX_CONTENT_LENGTH is refused with 413 before it is parsed. What
    # one import may cost is bounded too (rows and columns read, seconds spent, bytes an XLSX
    # unpacks to), and a checked file waits for its confirmation at most UPLOAD_MAX_AGE_SECONDS.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024
    IMPORT_MAX_ROWS_READ = 60_000
    IMPORT_MAX_COLUMNS = 100
    IMPORT_MAX_SECONDS = 60
    IMPORT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
    UPLOAD_MAX_AGE_SECONDS = 2 * 60 * 60
    SQLALCHEMY_RECORD_QUERIES = False

    @classmethod
    def init(cls) -> dict:
        """Values that need the environment at start-up rather than at import."""
        return {"SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret(cls.INSTANCE_DIR)}


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    # Tests publish to an in-process broker; the worker tests (tests/tasks) hand their own broker to
    # the worker process they start through HRAPP_WORKER_BROKER_URL.
    CELERY_BROKER_URL = os.environ.get("HRAPP_WORKER_BROKER_URL", "memory://")

    @classmethod
    def init(cls) -> dict:
        return {"SECRET_KEY": secrets.token_hex(32)}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def init(cls) -> dict:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production configuration needs {', '.join(missing)} in the environment.")
        return {
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"],
            "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        }


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def load(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("HRAPP_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown HRAPP_CONFIG {name!r}; choose one of {', '.join(CONFIGS)}.") from None
