"""Where stored files go: a local folder, or a bucket on S3-compatible object storage."""

from __future__ import annotations

from pathlib import Path

import environ


def folder_or_bucket(env: environ.Env, var_dir: Path, name: str, folder: str) -> dict:
    """A local folder (``BAOMI_<name>_ROOT``), or a bucket on S3-compatible object storage when
    ``BAOMI_<name>_S3_BUCKET`` is set: off-site, which is the point of backups and anchors."""
    bucket = env.str(f"BAOMI_{name}_S3_BUCKET", default="")
    if not bucket:
        root = env.str(f"BAOMI_{name}_ROOT", default=str(var_dir / folder))
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(Path(root)),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": env.str(f"BAOMI_{name}_S3_PREFIX", default=folder),
            # Empty: boto3's own chain (AWS_* variables, instance role) finds the credentials.
            "access_key": env.str("BAOMI_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("BAOMI_S3_SECRET_ACCESS_KEY", default="") or None,
            "endpoint_url": env.str("BAOMI_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("BAOMI_S3_REGION", default="") or None,
            "addressing_style": env.str("BAOMI_S3_ADDRESSING_STYLE", default="") or None,
            "file_overwrite": False,  # an archive or anchor is never replaced in place
            "default_acl": None,
            "querystring_auth": True,
        },
    }
