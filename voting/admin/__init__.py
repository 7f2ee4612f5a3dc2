"""The administrator's pages: offices, communities, staff accounts and signing keys."""
