"""Placeholder: this plugin is being written; it registers nothing yet."""
