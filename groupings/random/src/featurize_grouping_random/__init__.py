"""The random grouping: a seeded, balanced assignment of features to N groups (a baseline)."""
