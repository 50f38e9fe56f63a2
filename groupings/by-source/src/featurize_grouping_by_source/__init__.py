"""The by-source grouping: one group per extraction method, computed from the extractors' declarations."""
