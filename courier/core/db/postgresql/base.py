"""Django's PostgreSQL backend whose connection health check sends nothing to the server.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before its first use in every
request, by sending ``SELECT 1``: one more round trip on every API request (the key lookup of
``GET /api/v1/me/`` is otherwise its only one). Here the check asks the operating system
instead: an idle connection on which the server has sent nothing is usable; when the server
ended it (a restart, ``pg_terminate_backend``, an idle timeout) it sends its termination
message and closes the socket, which makes the socket readable, and only then is ``SELECT 1``
sent (Django's own check) to tell a dead connection from a stray notice. A connection psycopg
already knows to be closed or broken is unusable at once. A silently cut network is not seen
by either check before the query itself fails; Django then discards the connection at the end
of that request, as before.

Used by ``settings.DATABASES`` for every PostgreSQL ``DATABASE_URL`` (``ENGINE`` =
``courier.core.db.postgresql``; ``connection.vendor`` stays ``postgresql``).
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        if not readable:  # idle, and nothing from the server: still open
            return True
        return super().is_usable()  # the server said something: ask it (SELECT 1)
