"""Trustees (监票人) of secret meetings after close: their decryption of the totals, the
count it allows, and ``voting trustee decrypt`` for doing it offline."""
