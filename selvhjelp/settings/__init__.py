"""Settings package.

- ``base``: the embedded default (SQLite, file-system broker, console email);
  it also honours ``DATABASE_URL`` and ``REDIS_URL`` when they are set.
- ``prod``: production; refuses to start without the services it needs.
- ``test``: the test suite (fast hashers, tasks run eagerly, locmem email).
"""
