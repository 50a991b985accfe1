"""Apply a dict of translations to the zh_Hans catalogue (developer helper, see DEVELOPMENT.md).

Usage: python scripts/i18n_apply.py path/to/translations.py
The file defines T = {msgid: msgstr} and optionally PLURALS = {msgid: msgstr} (Chinese has one
plural form). A key may be a (context, msgid) pair for a pgettext entry; a plain msgid key
matches entries without a context only. Entries are un-fuzzied; untranslated entries left over
are listed.
"""

from __future__ import annotations

import runpy
import sys

import polib

CATALOGUE = "locale/zh_Hans/LC_MESSAGES/django.po"


def main(path: str) -> int:
    data = runpy.run_path(path)
    singular, plurals = data.get("T", {}), data.get("PLURALS", {})
    po = polib.pofile(CATALOGUE)
    for entry in po:
        key = (entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid
        if entry.msgid_plural and key in plurals:
            entry.msgstr_plural = {0: plurals[key]}
        elif key in singular:
            entry.msgstr = singular[key]
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
    po.save()
    left = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for msgid in left:
        print("untranslated:", msgid)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
