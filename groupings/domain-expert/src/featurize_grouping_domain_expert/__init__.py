"""The domain-expert grouping of SAMAT, shipped as the TOML file `domain_expert.toml` in this package."""
