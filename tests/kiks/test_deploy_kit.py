"""The deployment kit (deploy/): the nginx site passes `nginx -t`, the systemd units verify, the
shell scripts parse (and pass shellcheck where installed), the files agree with each other and
with the settings, the lock pins every dependency, and the backup rotation keeps what it should.

The whole stack behind nginx is checked by scripts/nginx_check.py (.ci/run, make nginx-check).
"""

import configparser
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
SCRIPTS = [
    DEPLOY / "install.sh",
    DEPLOY / "upgrade.sh",
    DEPLOY / "backup.sh",
    DEPLOY / "healthcheck.sh",
    DEPLOY / "kiks-manage",
]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def site() -> str:
    return (DEPLOY / "nginx" / "kiks.conf").read_text()


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "kiks.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


# --- nginx ----------------------------------------------------------------------------------


def test_the_rendered_site_passes_nginx_t():
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx): `nginx -t` not run")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "nginx_check.py"), "--config-only"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test is successful" in done.stdout


def test_the_body_limit_fits_the_largest_upload_with_a_margin():
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site()).group(1))
    limit = megabytes * 1024 * 1024
    largest = max(settings.KIKS_MAX_PDF_BYTES, settings.KIKS_MAX_PHOTO_BYTES)
    assert largest + 1024 * 1024 <= limit <= largest + 4 * 1024 * 1024


def test_the_internal_location_is_the_accel_prefix_and_aliases_media_root():
    env = env_example()
    prefix = env["X_ACCEL_PREFIX"]
    block = re.search(rf"location {re.escape(prefix)} \{{(.*?)\}}", site(), re.S).group(1)
    assert "internal;" in block
    assert f"alias {env['MEDIA_ROOT']}/;" in block
    static = re.search(r"location /static/ \{(.*?)\}", site(), re.S).group(1)
    assert f"alias {env['STATIC_ROOT']}/;" in static


def test_the_client_address_nginx_sends_is_the_last_hop_the_app_reads():
    text = site()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert env_example()["BEHIND_PROXY"] == "true"


def test_nginx_and_gunicorn_meet_on_one_socket():
    upstream = re.search(r"server unix:(\S+) ", site()).group(1)
    assert f"--bind unix:{upstream} " in unit("kiks-web.service")["Service"]["ExecStart"]
    assert upstream.startswith("/run/" + unit("kiks-web.service")["Service"]["RuntimeDirectory"])


# --- systemd --------------------------------------------------------------------------------


def test_the_units_run_what_the_project_has():
    web = unit("kiks-web.service")["Service"]
    assert web["ExecStart"].startswith("/srv/kiks/venv/bin/gunicorn kiks.wsgi ")
    assert web["User"] == "kiks" and web["EnvironmentFile"] == "/etc/kiks/kiks.env"
    worker = unit("kiks-worker.service")["Service"]
    assert worker["ExecStart"] == "/srv/kiks/venv/bin/python manage.py db_worker"
    assert worker["Restart"] == "always"
    backup = unit("kiks-backup.service")["Service"]
    assert backup["Type"] == "oneshot"
    assert backup["ExecStart"] == "/srv/kiks/app/deploy/backup.sh"
    timer = unit("kiks-backup.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 02:30:00" and timer["Persistent"] == "true"
    assert timer["Unit"] == "kiks-backup.service"


def test_systemd_analyze_verifies_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: units checked by parsing only")
    home = tmp_path / "home"
    for stub in ("venv/bin/gunicorn", "venv/bin/python", "app/deploy/backup.sh"):
        path = home / stub
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    (tmp_path / "kiks.env").write_text("DEBUG=false\n")
    rendered = []
    for source in UNITS:
        text = source.read_text().replace("/srv/kiks", str(home))
        target = tmp_path / source.name
        target.write_text(text.replace("/etc/kiks/kiks.env", str(tmp_path / "kiks.env")))
        rendered.append(str(target))
    done = subprocess.run(
        [analyze, "verify", "--man=no", *rendered], capture_output=True, text=True, timeout=120
    )
    # Unknown keys and bad values are only warnings: any line naming our units is a failure.
    complaints = [line for line in done.stderr.splitlines() if "kiks-" in line]
    assert done.returncode == 0 and not complaints, done.stderr


# --- Shell scripts --------------------------------------------------------------------------


@pytest.mark.parametrize("script", [*SCRIPTS, ROOT / ".ci" / "run"], ids=lambda path: path.name)
def test_the_scripts_parse(script):
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert os.access(script, os.X_OK), f"{script.name} is not executable"


def test_shellcheck_finds_nothing():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck): bash -n only")
    done = subprocess.run(
        [shellcheck, *map(str, SCRIPTS)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout


def test_kiks_manage_reads_the_environment_file_as_systemd_does(tmp_path):
    env_file = tmp_path / "kiks.env"
    env_file.write_text(
        "# a comment\n\nDEFAULT_FROM_EMAIL=KIKS Kota <kiks@example.go.id>\n"
        "X_ACCEL_PREFIX=/_media/\n"
    )
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "$DEFAULT_FROM_EMAIL|$X_ACCEL_PREFIX|$PWD|$*"\n')
    python.chmod(0o755)
    done = subprocess.run(
        [str(DEPLOY / "kiks-manage"), "check", "--deploy"],
        env={
            "PATH": os.environ["PATH"],
            "KIKS_ENV_FILE": str(env_file),
            "KIKS_PYTHON": str(python),
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (
        done.stdout == f"KIKS Kota <kiks@example.go.id>|/_media/|{ROOT}|manage.py check --deploy\n"
    )


def run_backup(tmp_path, keep: str) -> subprocess.CompletedProcess:
    python = tmp_path / "python"
    # Stands in for manage.py backup <file>: writes the archive it is asked for.
    python.write_text('#!/bin/sh\n[ "$2" = backup ] && echo archive > "$3"\n')
    python.chmod(0o755)
    return subprocess.run(
        [str(DEPLOY / "backup.sh")],
        env={
            "PATH": os.environ["PATH"],
            "KIKS_ENV_FILE": str(tmp_path / "none.env"),
            "KIKS_PYTHON": str(python),
            "KIKS_BACKUP_DIR": str(tmp_path / "backups"),
            "KIKS_BACKUP_KEEP_DAYS": keep,
        },
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_backup_keeps_n_days_of_archives_and_nothing_else_is_deleted(tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for name, days in (("kiks-old.tar.gz", 31), ("kiks-recent.tar.gz", 28), ("notes.txt", 90)):
        (backups / name).write_text(name)
        age = os.path.getmtime(backups / name) - days * 86400
        os.utime(backups / name, (age, age))

    done = run_backup(tmp_path, "30")

    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in backups.iterdir())
    new = [name for name in names if re.fullmatch(r"kiks-\d{8}-\d{6}\.tar\.gz", name)]
    assert len(new) == 1 and (backups / new[0]).read_text() == "archive\n"
    assert sorted(set(names) - set(new)) == ["kiks-recent.tar.gz", "notes.txt"]
    assert f"backup: deleted {backups}/kiks-old.tar.gz" in done.stdout


def test_a_nonsense_keep_days_deletes_nothing(tmp_path):
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "kiks-old.tar.gz").write_text("x")
    os.utime(tmp_path / "backups" / "kiks-old.tar.gz", (0, 0))

    done = run_backup(tmp_path, "0")

    assert done.returncode == 2
    assert "KIKS_BACKUP_KEEP_DAYS must be a number of days (1 or more)" in done.stderr
    assert [path.name for path in (tmp_path / "backups").iterdir()] == ["kiks-old.tar.gz"]


# --- The lock -------------------------------------------------------------------------------


def test_the_lock_pins_every_dependency_exactly():
    lines = [
        line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    pins = {}
    for line in lines:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        pins[canonicalize_name(requirement.name)] = specifier.version
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for dependency in map(Requirement, dependencies):
        name = canonicalize_name(dependency.name)
        assert name in pins, f"{dependency.name} is missing from requirements.lock: remake it"
        assert dependency.specifier.contains(pins[name]), (
            f"requirements.lock pins {dependency.name}=={pins[name]}, pyproject says "
            f"{dependency.specifier}: remake it"
        )


# --- install.sh, with the system's commands stood in for ------------------------------------

LOGGED = 'echo "{name} $*" >> "$STUB_LOG"\n'
STUBS = {
    # Every command that needs root or a real system logs its arguments and succeeds.
    **dict.fromkeys(("apt-get", "systemctl", "useradd", "usermod", "chown", "nginx"), LOGGED),
    "id": '[ "$1" = -u ] && echo 0\nexit 0\n',
    "dpkg-query": 'echo "install ok installed"\n',
    "runuser": 'while [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n',
    "install": (
        "dirs=()\nwhile [ $# -gt 0 ]; do case $1 in -d) shift ;; -o|-g|-m) shift 2 ;;"
        ' *) dirs+=("$1"); shift ;; esac; done\nmkdir -p "${dirs[@]}"\n'
    ),
    # PostgreSQL: the role and the database exist once created.
    "psql": 'case "$*" in *pg_roles*) f=role ;; *) f=db ;; esac\n'
    '[ -e "$STUB_STATE/$f" ] && echo 1\nexit 0\n',
    "createuser": 'echo "createuser $*" >> "$STUB_LOG"; touch "$STUB_STATE/role"\n',
    "createdb": 'echo "createdb $*" >> "$STUB_LOG"; touch "$STUB_STATE/db"\n',
}
VENV_PYTHON = f"""#!/bin/sh
case "$1" in
  -c) exec {sys.executable} "$@" ;;
  manage.py) echo "manage $*" >> "$STUB_LOG"
    [ "$2 $3" = "help db_worker" ] && exit "$STUB_NO_WORKER" ;;
  *) echo "python $*" >> "$STUB_LOG" ;;
esac
exit 0
"""


def stub_system(tmp_path) -> dict:
    bin_dir = tmp_path / "stubs"
    bin_dir.mkdir()
    for name, body in STUBS.items():
        (bin_dir / name).write_text("#!/bin/bash\n" + body.replace("{name}", name))
        (bin_dir / name).chmod(0o755)
    home = tmp_path / "home"
    python = home / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(VENV_PYTHON)
    python.chmod(0o755)
    app = home / "app"
    shutil.copytree(DEPLOY, app / "deploy")
    shutil.copy(ROOT / "requirements.lock", app / "requirements.lock")
    (app / ".git").mkdir()  # a clone already: install.sh leaves the code as it is
    for sub in ("etc/kiks", "systemd", "nginx/sites-available", "nginx/sites-enabled", "bin", "st"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    (tmp_path / "nginx/sites-enabled/default").write_text("welcome")
    return {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "STUB_LOG": str(tmp_path / "log"),
        "STUB_STATE": str(tmp_path / "st"),
        "STUB_NO_WORKER": "1",
        "KIKS_HOME": str(home),
        "KIKS_ETC": str(tmp_path / "etc/kiks"),
        "KIKS_SYSTEMD_DIR": str(tmp_path / "systemd"),
        "KIKS_NGINX_DIR": str(tmp_path / "nginx"),
        "KIKS_BIN_DIR": str(tmp_path / "bin"),
    }


def install(env: dict, *options: str) -> subprocess.CompletedProcess:
    app = Path(env["KIKS_HOME"]) / "app"
    return subprocess.run(
        [str(app / "deploy" / "install.sh"), *options],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_install_renders_every_file_for_the_host_and_a_second_run_keeps_them(tmp_path):
    env = stub_system(tmp_path)
    home, etc = env["KIKS_HOME"], env["KIKS_ETC"]

    first = install(env, "--host", "kiks.sukabumikota.go.id", "--no-start")

    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    written = Path(etc, "kiks.env").read_text()
    values = dict(
        line.split("=", 1) for line in written.splitlines() if line and not line.startswith("#")
    )
    assert len(values["SECRET_KEY"]) >= 60 and values["SECRET_KEY"] != "__GENERATED__"
    assert values["ALLOWED_HOSTS"] == "kiks.sukabumikota.go.id"
    assert values["CSRF_TRUSTED_ORIGINS"] == "https://kiks.sukabumikota.go.id"
    assert values["MEDIA_ROOT"] == f"{home}/media" and values["STATIC_ROOT"] == f"{home}/static"
    assert values["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert values["X_ACCEL_PREFIX"] == "/_media/"
    site_text = Path(env["KIKS_NGINX_DIR"], "sites-available/kiks").read_text()
    assert "server_name kiks.sukabumikota.go.id;" in site_text
    assert f"alias {home}/media/;" in site_text and f"{etc}/tls/fullchain.pem" in site_text
    assert "example.go.id" not in site_text and "/srv/kiks" not in site_text
    assert not Path(env["KIKS_NGINX_DIR"], "sites-enabled/default").exists()
    units = sorted(path.name for path in Path(env["KIKS_SYSTEMD_DIR"]).iterdir())
    # No db_worker in this version (the stub says so): no worker unit.
    assert units == ["kiks-backup.service", "kiks-backup.timer", "kiks-web.service"]
    web = Path(env["KIKS_SYSTEMD_DIR"], "kiks-web.service").read_text()
    assert f"EnvironmentFile={etc}/kiks.env" in web and "/srv/kiks" not in web
    assert oct(Path(etc, "tls/privkey.pem").stat().st_mode & 0o777) == "0o600"
    log = Path(env["STUB_LOG"]).read_text().splitlines()
    app = f"{home}/app"
    pip = [line for line in log if line.startswith("python -m pip install")]
    assert pip == [
        "python -m pip install --quiet --upgrade pip",
        f"python -m pip install --quiet -r {app}/requirements.lock",
        f"python -m pip install --quiet --no-deps {app}",
    ]
    assert [line for line in log if line.startswith(("createuser", "createdb"))] == [
        "createuser kiks",
        "createdb --owner kiks --encoding UTF8 --template template0 kiks",
    ]
    manage = [line for line in log if line.startswith("manage")]
    assert manage[:3] == [
        "manage manage.py migrate --noinput",
        "manage manage.py collectstatic --noinput --verbosity 0",
        "manage manage.py check --deploy --fail-level WARNING",
    ]
    assert not any(line.startswith("apt-get") for line in log)  # every package installed
    certificate = Path(etc, "tls/fullchain.pem").read_bytes()

    env["STUB_NO_WORKER"] = "0"  # an upgrade brought db_worker
    second = install(env, "--no-start")

    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert Path(etc, "kiks.env").read_text() == written  # same SECRET_KEY: nobody signed out
    assert Path(etc, "tls/fullchain.pem").read_bytes() == certificate
    assert "kiks.env exists: kept" in second.stdout
    log = Path(env["STUB_LOG"]).read_text().splitlines()
    assert sum(line.startswith(("createuser", "createdb")) for line in log) == 2
    assert sum(line == "manage manage.py migrate --noinput" for line in log) == 2
    assert Path(env["KIKS_SYSTEMD_DIR"], "kiks-worker.service").exists()


def test_install_refuses_without_a_host_the_first_time(tmp_path):
    done = install(stub_system(tmp_path), "--no-start")

    assert done.returncode == 2
    assert "give the public host name: --host" in done.stderr
