import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from courier.core.models import Partner
from staffing.models import Employee

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_no_missing_migrations():
    """PLT-16: `makemigrations --check` is clean."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:  # raised when a migration is missing
        pytest.fail(f"missing migrations:\n{out.getvalue()} ({exc})")
    assert "No changes detected" in out.getvalue()


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    """PLT-07: with SECRET_KEY and DEBUG=false, `check --deploy` reports nothing."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "ops.courier.example",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
        "COURIER_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    """PLT-07: production needs SECRET_KEY; without it the process stops with a clear error."""
    env = {**os.environ, "DEBUG": "false", "COURIER_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false." in result.stderr


def test_settings_time_zone_and_languages():
    """PLT-16, PLT-10: Asia/Shanghai, aware datetimes, zh-hans by default and en."""
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
    assert "simple_history.middleware.HistoryRequestMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_working_logins():
    """ORG-02, ORG-03: one login per role with a printed password; a second run keeps the data."""
    first = io.StringIO()
    call_command("seed_demo", stdout=first)
    counts = (Employee.objects.count(), Partner.objects.count())
    second = io.StringIO()
    call_command("seed_demo", stdout=second)
    assert (Employee.objects.count(), Partner.objects.count()) == counts
    logins = json.loads((settings.VAR_DIR / "demo-logins.json").read_text())
    api_key = logins.pop("partner-api-key")
    assert f"{'partner-api-key':16} {api_key}" in second.getvalue()
    for username, password in logins.items():
        assert f"{username:16} {password}" in second.getvalue()
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password), username
    positions = set(Employee.objects.values_list("position", flat=True))
    assert len(positions) == 10
    agent = Employee.objects.get(user__username="agent")
    assert agent.supervisor.user.username == "supervisor"
    assert agent.user.groups.get().name == "agent"


def test_celery_acks_late_rejects_on_worker_loss_and_speaks_json_only():
    """PLT-17: tasks are acknowledged late, re-queued when a worker dies, JSON only."""
    from courier.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.accept_content == ["json"]
    assert (conf.task_serializer, conf.result_serializer) == ("json", "json")
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert conf.timezone == "Asia/Shanghai"
