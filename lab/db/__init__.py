"""The shared database: everything that several sessions, processes or servers share.

- :mod:`lab.db.engine`: which database (``$ONESHOT_DATABASE_URL``; default one SQLite file in the lab's data
  folder), its engine, and transactions retried when SQLite is busy.
- :mod:`lab.db.schema`: the tables (SQLAlchemy Core).
- :mod:`lab.db.migrations`: the schema is created and upgraded by the app in ordered, versioned steps.
"""

from lab.db.engine import DatabaseError, database_url, engine, transaction

__all__ = ["DatabaseError", "database_url", "engine", "transaction"]
