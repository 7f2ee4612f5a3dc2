"""Ballots: the resident's pages, casting, paper and proxy entry."""
