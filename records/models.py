"""Models of the records app; filled by its capability issue."""
