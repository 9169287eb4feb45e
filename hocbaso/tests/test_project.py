"""The project as a whole: settings, the console command, language and time zone."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hocbaso.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HOCBASO_PILOT_GRADES", "1,2,x", "HOCBASO_PILOT_GRADES must list grades"),
        ("HOCBASO_PILOT_GRADES", "0,10", "from 1 to 9"),
        ("HOCBASO_DEBUG", "maybe", "HOCBASO_DEBUG must be true or false"),
    ],
)
def test_bad_configuration_stops_the_program_at_start_up(
    tmp_path, name, value, message
):
    result = _python(
        "import django; django.setup()",
        **{name: value, "HOCBASO_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_the_secret_key_is_generated_at_run_time_and_kept_private(tmp_path):
    env = {"HOCBASO_DATA_DIR": str(tmp_path)}
    env_without_key = {k: v for k, v in os.environ.items() if k != "HOCBASO_SECRET_KEY"}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env_without_key, "DJANGO_SETTINGS_MODULE": "hocbaso.settings", **env},
    )
    second = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env_without_key, "DJANGO_SETTINGS_MODULE": "hocbaso.settings", **env},
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_the_console_command_runs_the_management_commands(tmp_path):
    hocbaso = Path(sys.executable).with_name("hocbaso")
    assert hocbaso.exists(), "the hocbaso console script is installed in the venv"
    data = {
        "level": "primary",
        "grade": 1,
        "subjects": {
            code: {"level": "T", "score": 10}
            if code in ("TV", "TOAN")
            else {"level": "T"}
            for code in ("TV", "TOAN", "DD", "TNXH", "GDTC", "AN", "MT", "HDTN")
        },
        "qualities": dict.fromkeys(("YN", "NA", "CC", "TTH", "TN"), "T"),
        "competencies": dict.fromkeys(
            ("TCTH", "GTHT", "GQVD", "NN", "TT", "KH", "CN", "TH", "TM", "TC"), "T"
        ),
        "class_recognition": False,
    }
    result = subprocess.run(
        [str(hocbaso), "assess"],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        env={**os.environ, "HOCBASO_DATA_DIR": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "result": "HTXS",
        "completed": True,
        "title": "HSXS",
    }


def test_pages_are_in_vietnamese_by_default_and_english_on_request(client):
    page = client.get("/admin/login/")
    assert "Đăng nhập" in page.content.decode()
    assert page["Content-Language"] == "vi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    page = client.get("/admin/login/")
    assert page["Content-Language"] == "en"
    assert "Log in" in page.content.decode()


def test_our_own_strings_are_translated_to_vietnamese(client):
    page = client.get("/admin/login/").content.decode()
    assert "Học bạ số" in page


def test_times_are_stored_in_utc_and_shown_in_vietnam_time(settings):
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    instant = dt.datetime(2026, 6, 30, 17, 0, tzinfo=dt.UTC)
    local = timezone.localtime(instant)
    assert (local.date(), local.hour, local.utcoffset()) == (
        dt.date(2026, 7, 1),
        0,
        dt.timedelta(hours=7),
    )
