"""A request that meets a dead database connection is run once more, if nothing was written yet.

With ``CONN_HEALTH_CHECKS`` a connection kept from before a PostgreSQL restart is tested and
replaced when a request first uses it. This covers the rest: the connection dies while the view
runs (a restart or fail-over mid-request). When the view raises a connection error
(``OperationalError``/``InterfaceError`` with the connection no longer usable) and no statement
other than a read went to the database in this request, the connection is closed and the view
called once more; its transaction was rolled back with the connection, so nothing is repeated.
After a write, or on a second failure, the error stands (the generic error page): never a write
twice.
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.urls import resolve

logger = logging.getLogger(__name__)

READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "SET", "SHOW")


class RetryOnDeadConnectionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._db_writes = 0
        request._db_retried = False

        def watch(execute, sql, params, many, context):
            if not sql.lstrip().upper().startswith(READS):
                request._db_writes += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if request._db_retried or request._db_writes or connection.in_atomic_block:
            return None
        if _usable():
            return None  # a query error (a lock timeout, bad SQL), not a dead connection
        logger.warning("db_connection_lost_retrying url=%s", request.path)
        connection.close()
        request._db_retried = True
        match = resolve(request.path_info)
        return match.func(request, *match.args, **match.kwargs)


def _usable() -> bool:
    if connection.connection is None:
        return False
    try:
        return connection.is_usable()
    except DatabaseError:
        return False
