"""The store's schema migrations (Alembic), shipped with the package and run at every start."""
