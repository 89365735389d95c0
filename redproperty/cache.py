"""The cache every process shares when no Redis is configured: a table in the database.

Rate limits, API throttles and the tracking-code lockout count in Django's cache. Local
memory would give each gunicorn worker its own count (two workers, twice the allowance), so
the embedded default is Django's database cache: the `django_cache` table, created by
`migrate` (see RedPropertyConfig.ready), needs no server and is seen by every process.

Django's own DatabaseCache.incr() reads and then writes, so two processes counting at the
same moment could both write the same number. Here the read and the write happen in one
transaction holding the write lock (SQLite's IMMEDIATE transactions take it at BEGIN;
PostgreSQL locks the row), so every hit is counted.
"""
from __future__ import annotations

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.vendor != "sqlite":
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)


def create_cache_tables(using="default", **kwargs) -> None:
    """post_migrate: the database cache's table exists wherever `migrate` has run (a no-op with Redis)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
