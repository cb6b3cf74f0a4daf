"""Settings read once from the environment (prefix JOBBRIDGE_)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "development", "please-change-me"})
DEV_SECRET = "development-only-secret-not-for-production"


class ConfigError(RuntimeError):
    """Settings that must not be used to run the service."""


def _project_var_dir() -> Path:
    # Running from a checkout keeps state in ./var; an installed wheel uses the working directory's var/.
    return Path(os.environ.get("JOBBRIDGE_VAR_DIR", Path.cwd() / "var"))


@dataclass(frozen=True)
class Settings:
    """Immutable runtime settings."""

    env: str
    database_url: str
    secret_key: str
    timezone: str
    var_dir: Path
    base_url: str
    sms_gateway_url: str | None = None
    sms_gateway_secret: str | None = None
    login_rate_per_minute: int = 10
    session_days: int = 7
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        """The local time zone of the centre."""
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an SQLite file."""
        return self.database_url.startswith("sqlite")

    @property
    def is_development(self) -> bool:
        """True in development and test environments."""
        return self.env in {"development", "test"}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read and check the settings from an environment mapping."""
    env_map = os.environ if environ is None else environ
    env = env_map.get("JOBBRIDGE_ENV", "development").strip().lower()
    var_dir = Path(env_map.get("JOBBRIDGE_VAR_DIR", str(_project_var_dir())))
    default_db = f"sqlite:///{(var_dir / 'jobbridge.sqlite3').as_posix()}"
    secret = env_map.get("JOBBRIDGE_SECRET_KEY", "")
    if secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < 16:
        if env not in {"development", "test"}:
            raise ConfigError(
                "JOBBRIDGE_SECRET_KEY is unset, too short or a placeholder; "
                "set a random value of at least 16 characters outside development"
            )
        secret = DEV_SECRET
    timezone = env_map.get("JOBBRIDGE_TIMEZONE", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except Exception as exc:  # noqa: BLE001 - any lookup failure means a bad setting
        raise ConfigError(f"JOBBRIDGE_TIMEZONE {timezone!r} is not a known time zone") from exc
    return Settings(
        env=env,
        database_url=normalize_database_url(env_map.get("JOBBRIDGE_DATABASE_URL", default_db)),
        secret_key=secret,
        timezone=timezone,
        var_dir=var_dir,
        base_url=env_map.get("JOBBRIDGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        sms_gateway_url=env_map.get("JOBBRIDGE_SMS_GATEWAY_URL") or None,
        sms_gateway_secret=env_map.get("JOBBRIDGE_SMS_GATEWAY_SECRET") or None,
        login_rate_per_minute=int(env_map.get("JOBBRIDGE_LOGIN_RATE_PER_MINUTE", "10")),
    )


def normalize_database_url(url: str) -> str:
    """Route PostgreSQL URLs through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read on first use."""
    return load_settings()
