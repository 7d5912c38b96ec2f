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
    # An account is locked for LOGIN_LOCK_MINUTES after LOGIN_MAX_FAILURES wrong passwords in a row.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))

    PAGE_SIZE = 50
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
    LOGIN_MAX_FAILURES = 5

    @classmethod
    def init(cls) -> dict:
        return {"SECRET_KEY": secrets.token_hex(32)}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def init(cls) -> dict:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production configuration needs {', '.join(missing)} in the environment.")
        return {"SECRET_KEY": os.environ["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"]}


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def load(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("HRAPP_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown HRAPP_CONFIG {name!r}; choose one of {', '.join(CONFIGS)}.") from None
