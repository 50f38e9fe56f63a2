"""The plugin contract: hook specifications, descriptors and the plugin manager."""
