"""Django's admin looks for each app's ``admin`` module: the one records model it administers
is the customer-rights working-day calendar (records/rights/admin.py). No client-file model is
administered (staff status opens no customer content)."""

from records.rights import admin as rights_admin  # noqa: F401
