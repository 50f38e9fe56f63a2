"""The user-friendly grouping of SAMAT, shipped as the TOML file `user_friendly.toml` in this package."""
