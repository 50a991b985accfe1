"""Circulation pages, one module per desk: requests, sharing, custody, emergency access."""
