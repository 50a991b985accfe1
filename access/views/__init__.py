"""Thin views: they read the form, call a service in access/, and render."""
