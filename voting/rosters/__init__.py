"""Offices, communities, units, owners and holdings; roster import and export."""
