"""The package version (one place, imported by whoever prints or stores it)."""

__version__ = "0.1.0"
