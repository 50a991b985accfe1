"""Seal NDA scans that were stored in clear (issue 17 §17)."""

from django.db import migrations


def seal(apps, schema_editor):
    from access.models import ExternalParty
    from records.circulation import parties

    # The live model, not the historical one: sealing uses the storage and the key hierarchy
    # exactly as a new upload does. Only parties with an unsealed scan are touched.
    # .only(): columns a later migration adds do not exist yet when this one runs.
    waiting = ExternalParty.objects.filter(nda_sealed=False).exclude(nda_document="")
    for party in waiting.only("id", "nda_document", "nda_sealed"):
        parties.seal_existing(party)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_consent_withdrawn_at"),
        ("access", "0012_nda_sealed"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
