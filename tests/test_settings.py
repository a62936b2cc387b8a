"""Settings from the environment: the typed readers, and production mode's safeguards."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from ace_portal.env import database_from_url, env_bool, env_int, env_list, env_str

REPO_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ace_portal"


# The readers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" YES ", True), ("on", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_words(monkeypatch, raw, expected):
    monkeypatch.setenv("ACE_TEST_FLAG", raw)
    assert env_bool("ACE_TEST_FLAG") is expected


def test_env_bool_unset_gives_default(monkeypatch):
    monkeypatch.delenv("ACE_TEST_FLAG", raising=False)
    assert env_bool("ACE_TEST_FLAG", True) is True
    assert env_bool("ACE_TEST_FLAG") is False


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_env_bool_bad_value_raises(monkeypatch, raw):
    monkeypatch.setenv("ACE_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="ACE_TEST_FLAG"):
        env_bool("ACE_TEST_FLAG")


def test_env_int_reads_and_rejects(monkeypatch):
    monkeypatch.setenv("ACE_TEST_INT", "42")
    assert env_int("ACE_TEST_INT", 1) == 42
    monkeypatch.setenv("ACE_TEST_INT", "")
    assert env_int("ACE_TEST_INT", 7) == 7
    monkeypatch.setenv("ACE_TEST_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="ACE_TEST_INT"):
        env_int("ACE_TEST_INT", 1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("ACE_TEST_LIST", " portal.example.org, ,www.example.org ")
    assert env_list("ACE_TEST_LIST") == ["portal.example.org", "www.example.org"]
    monkeypatch.delenv("ACE_TEST_LIST")
    assert env_list("ACE_TEST_LIST", "a,b") == ["a", "b"]
    assert env_str("ACE_TEST_LIST", "x") == "x"


def test_database_from_url_parses_postgres_url():
    config = database_from_url(
        "postgres://ace:s%40cret%2Fpw@db.example.org:6543/ace_portal?sslmode=require&application_name=ace"
    )
    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "ace_portal",
        "USER": "ace",
        "PASSWORD": "s@cret/pw",
        "HOST": "db.example.org",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require", "application_name": "ace"},
    }


def test_database_from_url_postgresql_scheme_without_port():
    config = database_from_url("postgresql://postgres@127.0.0.1/ace")
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "127.0.0.1",
        "",
        "",
    )


def test_database_from_url_sqlite():
    config = database_from_url("sqlite:////tmp/ace.sqlite3")
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/ace.sqlite3"}


@pytest.mark.parametrize("url", ["mysql://root@localhost/ace", "redis://localhost/0", "ace"])
def test_database_from_url_rejects_other_schemes(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_database_from_url_requires_database_name():
    with pytest.raises(ImproperlyConfigured, match="name a database"):
        database_from_url("postgres://postgres@127.0.0.1:5432/")


# Production mode, in a fresh process


def production_env(**overrides):
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "k3y-" + "abcdefghij0123456789ABCDEFGHIJ" * 2,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": POSTGRES_URL,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    assert len(env["DJANGO_SECRET_KEY"]) == 64
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_check_deploy_passes():
    result = check_deploy(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key", [None, "", "too-short", "dev-only-insecure-key-never-use-in-production"]
)
def test_production_without_real_secret_key_refuses_to_start(secret_key):
    result = check_deploy(production_env(DJANGO_SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("hosts", [None, "", " , "])
def test_production_without_allowed_hosts_refuses_to_start(hosts):
    result = check_deploy(production_env(DJANGO_ALLOWED_HOSTS=hosts))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DJANGO_DEBUG", "true"), ("DATABASE_URL", None), ("REDIS_URL", None), ("DJANGO_ENV", "prod")],
)
def test_production_other_unsafe_settings_refuse_to_start(variable, value):
    result = check_deploy(production_env(**{variable: value}))
    assert result.returncode != 0
    assert variable in result.stderr


# Security headers, in the test process (development settings)


@pytest.mark.django_db
def test_responses_carry_security_headers(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client, alice):
    client.force_login(alice.user)
    for url in [reverse("experts:profile"), reverse("experts:edit_section", args=["languages"])]:
        text = client.get(url).text
        assert "<script>" not in text
        assert " style=" not in text
        assert "<style" not in text


def test_env_int_list_reads_numbers_and_keeps_the_default_when_empty(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from ace_portal.env import env_int_list

    monkeypatch.setenv("ACE_TEST_DAYS", "60, 14")
    assert env_int_list("ACE_TEST_DAYS", "90,30,7") == [60, 14]
    monkeypatch.setenv("ACE_TEST_DAYS", "")
    assert env_int_list("ACE_TEST_DAYS", "90,30,7") == [90, 30, 7]
    monkeypatch.setenv("ACE_TEST_DAYS", "9x")
    with pytest.raises(ImproperlyConfigured, match="ACE_TEST_DAYS"):
        env_int_list("ACE_TEST_DAYS", "90,30,7")


def test_a_log_line_is_printed_once_under_debug():
    # runserver runs with DEBUG on, where Django's "django" logger has a console handler of its
    # own; with the root's, every line came out twice.
    script = (
        "import logging, django; django.setup(); "
        "logging.getLogger('django.request').warning('from django.request'); "
        "logging.getLogger('django.server').warning('from django.server'); "
        "logging.getLogger('missions').warning('from missions')"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "ace_portal.settings",
        "DJANGO_DEBUG": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for name in ("django.request", "django.server", "missions"):
        assert lines.count(f"from {name}") == 1, result.stderr


@pytest.mark.parametrize(
    ("run_addr", "base_url"),
    [("127.0.0.1:8101", "http://127.0.0.1:8101"), ("0.0.0.0:8000", "http://127.0.0.1:8000")],
)
def test_make_run_links_emails_to_where_it_listens(run_addr, base_url):
    env = {k: v for k, v in os.environ.items() if k != "ACE_BASE_URL"}
    planned = subprocess.run(
        ["make", "-n", "run", f"RUN_ADDR={run_addr}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    [runserver] = [line for line in planned.splitlines() if "runserver" in line]
    # The environment the server starts with: the line's assignments, then print the variable.
    assignments = runserver.split(" .venv/", 1)[0]
    started = subprocess.run(
        ["sh", "-c", f'{assignments} sh -c "echo \\$ACE_BASE_URL"'],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert started.stdout.strip() == base_url, runserver
