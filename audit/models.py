"""Models of the audit app; filled by its capability issue."""
