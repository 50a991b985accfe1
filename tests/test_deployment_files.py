"""docker-compose.yml and the Dockerfile name things that exist (issue 2 §10).

No Docker engine runs here, so the stack cannot be started in CI; this test makes sure every
service command points at a module, app or management command the project really has.
"""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict) -> list[str]:
    command = service.get("command")
    return shlex.split(command) if isinstance(command, str) else list(command or [])


def _check_entry_point(argv: list[str]) -> None:
    program = argv[0]
    if program == "gunicorn":
        module, attr = next(a for a in argv[1:] if not a.startswith("-")).split(":")
        assert callable(getattr(importlib.import_module(module), attr))
    elif program == "celery":
        app_module = argv[argv.index("-A") + 1]
        module = importlib.import_module(app_module)
        assert module.celery_app.main == "baomi"
        assert argv[argv.index("-A") + 2] in {"worker", "beat"}
    elif program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), argv
    elif program == "redis-server":
        pass
    else:
        pytest.fail(f"unknown entry point {argv}")


APP_SERVICES = {
    name: service for name, service in COMPOSE["services"].items() if "command" in service
}


def test_compose_has_the_production_services():
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(COMPOSE["services"])
    assert "baomi-var" in COMPOSE["volumes"]


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_every_compose_command_names_an_existing_entry_point(name):
    _check_entry_point(_command(APP_SERVICES[name]))


def test_compose_keeps_var_on_a_named_volume_and_secrets_out_of_the_file():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("web", "worker", "beat"):
        assert "baomi-var:/app/var" in COMPOSE["services"][name]["volumes"]
    assert "DJANGO_SECRET_KEY" not in text
    assert "POSTGRES_PASSWORD" not in text  # db.env holds it


def test_i18_2_services_connect_as_least_privileged_roles_from_the_environment_file():
    """Issue 18 §2: no service connects as a superuser; web, worker and beat take the
    application role's DATABASE_URL from .env (compose no longer writes one over it) and never
    see the superuser's or the owner's password, which only db, migrate and grants read
    (db.env); the db service creates the roles on first start."""
    services = COMPOSE["services"]
    for name in ("web", "worker", "beat"):
        assert "DATABASE_URL" not in services[name].get("environment", {}), name
        assert services[name]["env_file"] == ".env", name
    for name in ("migrate", "grants"):
        assert services[name]["env_file"] == [".env", "db.env"], name  # db.env's URL wins
    assert services["db"]["env_file"] == "db.env"
    assert _command(services["grants"]) == ["python", "manage.py", "grant_app_role"]
    assert "./deploy/postgres:/docker-entrypoint-initdb.d:ro" in services["db"]["volumes"]
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^DATABASE_URL=postgres://baomi_app:", example, re.M)
    assert re.search(r"^BAOMI_DRILL_DATABASE_URL=postgres://baomi_drill:", example, re.M)
    for secret in ("POSTGRES_PASSWORD", "BAOMI_DB_OWNER_PASSWORD", "baomi_owner"):
        assert secret not in example, secret
    admin = (ROOT / "db.env.example").read_text()
    assert re.search(r"^DATABASE_URL=postgres://baomi_owner:", admin, re.M)
    assert re.search(r"^POSTGRES_PASSWORD=", admin, re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "db.env", "deploy/tls", "*.pem"} <= set(ignored)  # never in an image


def test_i18_5_the_proxy_profile_and_the_environment_file_agree():
    """Issue 18 §5: nginx comes with `--profile proxy` only, takes bodies above the upload
    limit, and .env.example trusts exactly the headers that nginx overwrites."""
    proxy = COMPOSE["services"]["proxy"]
    assert proxy["profiles"] == ["proxy"]
    site = (ROOT / "deploy" / "nginx" / "baomi.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert limit > settings.BAOMI_ATTACHMENT_MAX_MB
    for header in ("X-Forwarded-Proto $scheme", "X-Forwarded-For $remote_addr"):
        assert f"proxy_set_header {header};" in site
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^BAOMI_BEHIND_TLS_PROXY=true$", example, re.M)
    assert re.search(r"^BAOMI_PROXY_COUNT=1$", example, re.M)


def test_i18_4_the_secrets_override_gives_every_service_every_key_as_a_file():
    """Issue 18 §4: with deploy/compose.secrets.yml the keys come from files outside every
    volume, as NAME_FILE, to each service that loads the production settings."""
    from config.secretfiles import SECRET_VARIABLES

    override = yaml.safe_load((ROOT / "deploy" / "compose.secrets.yml").read_text())
    for name in ("migrate", "grants", "web", "worker", "beat"):
        assert name in COMPOSE["services"]
        environment = override["services"][name]["environment"]
        mounted = set(override["services"][name]["secrets"])
        for variable in ("DJANGO_SECRET_KEY", "BAOMI_RECORD_KEKS", "BAOMI_INDEX_KEY",
                         "BAOMI_BACKUP_KEY", "BAOMI_ANCHOR_SIGNING_KEY"):  # fmt: skip
            assert variable in SECRET_VARIABLES
            path = environment[f"{variable}_FILE"]
            assert path.removeprefix("/run/secrets/") in mounted, (name, variable)
    volumes = {v.split(":")[0] for s in COMPOSE["services"].values() for v in s.get("volumes", [])}
    for secret in override["secrets"].values():
        assert secret["file"].startswith("${BAOMI_SECRETS_DIR:-/etc/baomi/secrets}/")
        assert not any(secret["file"].startswith(v) for v in volumes)


def test_dockerfile_default_command_and_healthcheck_exist():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1)
    _check_entry_point(yaml.safe_load(cmd))
    health_url = re.search(r"http://127\.0\.0\.1:8000(/\S+?)'", dockerfile).group(1)
    assert resolve(health_url).url_name == "health"
    assert "USER baomi" in dockerfile


def test_operations_doc_lists_every_periodic_job(settings):
    """docs/OPERATIONS.md's table of beat entries stays in step with CELERY_BEAT_SCHEDULE."""
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text()
    missing = [name for name in settings.CELERY_BEAT_SCHEDULE if f"| `{name}` |" not in operations]
    assert missing == []


def test_the_dockerfile_runs_the_web_command_compose_runs_and_ci_starts():
    """The real-stack test starts compose's commands; the image's default is the same one."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = yaml.safe_load(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))
    assert cmd == _command(COMPOSE["services"]["web"])


def test_i18_12_every_service_has_rotated_logs_and_limits_and_the_worker_time_to_finish():
    """Issue 18 §12: log rotation, resource limits, a stop grace period long enough for a
    backup, and gunicorn's workers and timeout from the environment."""
    for name, service in COMPOSE["services"].items():
        options = service["logging"]["options"]
        assert options["max-size"], name
        assert int(options["max-file"]) >= 2, name
        if name not in ("migrate", "grants"):  # one-shot jobs
            assert service["deploy"]["resources"]["limits"]["memory"], name
    assert COMPOSE["services"]["worker"]["stop_grace_period"] == "10m"
    web = COMPOSE["services"]["web"]
    assert not any(part.startswith("--workers") for part in _command(web))
    assert "WEB_CONCURRENCY" in web["environment"]
    assert "--timeout" in web["environment"]["GUNICORN_CMD_ARGS"]
    assert web["environment"]["TZ"].endswith("Asia/Shanghai}")


def test_i18_12_every_long_running_service_has_a_healthcheck():
    """Issue 18 §12: compose restarts or reports what stopped working, worker and beat too."""
    for name in ("db", "redis", "web", "worker", "beat"):
        assert COMPOSE["services"][name].get("healthcheck", {}).get("test"), name
    assert "inspect ping" in " ".join(COMPOSE["services"]["worker"]["healthcheck"]["test"])
    assert "heartbeat_fresh" in COMPOSE["services"]["beat"]["healthcheck"]["test"]
