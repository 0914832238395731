"""Coordinators' commands in the admin chat."""
