"""Settings come from JOBBRIDGE_ variables and refuse unsafe secrets outside development."""

import pytest

from jobbridge.config import DEV_SECRET, ConfigError, load_settings


def test_default_database_is_sqlite_file_under_var():
    settings = load_settings({"JOBBRIDGE_VAR_DIR": "/srv/jb/var"})
    assert settings.database_url == "sqlite:////srv/jb/var/jobbridge.sqlite3"
    assert settings.timezone == "Asia/Shanghai"


def test_production_refuses_missing_secret():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({"JOBBRIDGE_ENV": "production"})


@pytest.mark.parametrize("secret", ["changeme", "secret", "short-one"])
def test_production_refuses_placeholder_or_short_secret(secret):
    with pytest.raises(ConfigError):
        load_settings({"JOBBRIDGE_ENV": "production", "JOBBRIDGE_SECRET_KEY": secret})


def test_production_accepts_a_real_secret():
    settings = load_settings({"JOBBRIDGE_ENV": "production", "JOBBRIDGE_SECRET_KEY": "x7Gq2-very-long-random-value"})
    assert settings.secret_key == "x7Gq2-very-long-random-value"
    assert not settings.is_development


def test_development_falls_back_to_a_dev_secret():
    assert load_settings({"JOBBRIDGE_ENV": "development"}).secret_key == DEV_SECRET


def test_postgres_urls_use_psycopg3():
    settings = load_settings({"JOBBRIDGE_DATABASE_URL": "postgresql://u@db:5432/jobbridge"})
    assert settings.database_url == "postgresql+psycopg://u@db:5432/jobbridge"


def test_unknown_time_zone_is_refused():
    with pytest.raises(ConfigError, match="TIMEZONE"):
        load_settings({"JOBBRIDGE_TIMEZONE": "Mars/Olympus"})
