"""Connectivity capacity targets against the demand they invite: a scenario model."""

__version__ = "0.1.0"
