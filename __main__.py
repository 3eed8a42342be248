"""Pulumi program entry point (filled in by the program work)."""
