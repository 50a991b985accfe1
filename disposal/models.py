"""Models of the disposal app; filled by its capability issue."""
