"""The scratch PostgreSQL database the benchmarks create, use and drop, and Django set up on it.

Imported by the benchmark scripts, which run as `python bench/<name>.py` (so this folder is on
sys.path).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def database_url(default: str) -> str:
    """DATABASE_URL, or `default`; only a database named bench_... is ever dropped."""
    url = os.environ.get("DATABASE_URL", default)
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop and recreate {name!r}: its name must start with bench_")
    return url


def _maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_database(url: str) -> None:
    maintenance, name = _maintenance_url(url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    maintenance, name = _maintenance_url(url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "app.settings"
    os.environ["DATABASE_URL"] = url
    # Production settings (DEBUG off: no query log kept in memory), with a throwaway key.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
