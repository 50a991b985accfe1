"""Operations on the file store as a whole: encrypted backups (``backups``), restore with the
destructions re-applied (``restore``), the weekly restore drill (``drill``), the destruction
journal kept outside the database (``journal``) and key rotation (``rotation``). Run by beat
jobs (``tasks``) and management commands (backup, restore, rotate_keys)."""
