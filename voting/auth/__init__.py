"""Staff accounts, scoped roles, login and API tokens."""
