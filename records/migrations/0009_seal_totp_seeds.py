"""Seal the authenticator seeds stored in clear before issue 17 §19."""

from django.db import migrations


def seal(apps, schema_editor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from access import sealed_seeds

    # The live model (its key is opened through the installed bin_key); .only(): later
    # migrations may add columns that do not exist yet.
    for device in TOTPDevice.objects.only("id", "user_id", "key").iterator():
        if sealed_seeds.seal_key(device):
            TOTPDevice.objects.filter(pk=device.pk).update(key=device.key)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0008_seal_nda_documents"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
