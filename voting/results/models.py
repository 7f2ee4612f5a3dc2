"""Signing keys, published results and objections."""
