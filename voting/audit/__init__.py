"""The hash-chained, append-only event log (FORMATS.md §5)."""
