#!/usr/bin/env bash
# KIKS portal: install (or bring up to date) one server, Debian 12 or Ubuntu 24.04. Idempotent:
# run it again after changing an option; it never overwrites /etc/kiks/kiks.env, the certificate
# or the database.
#
#   git clone <repository> /srv/kiks/app
#   sudo /srv/kiks/app/deploy/install.sh --host kiks.sukabumikota.go.id
#
# Options (or the environment variables in brackets):
#   --host NAME      public host name [KIKS_HOST] (required the first time)
#   --home DIR       installation folder [KIKS_HOME], default /srv/kiks: app/ (the code), venv/,
#                    static/, media/, backups/
#   --no-redis       no Redis: cache and sessions in PostgreSQL [KIKS_REDIS=no]
#   --no-nginx       leave nginx alone (another reverse proxy) [KIKS_NGINX=no]
#   --no-start       install, but start no unit [KIKS_START=no]
# Where the system's files go (tests and unusual layouts): KIKS_ETC (/etc/kiks), KIKS_SYSTEMD_DIR
# (/etc/systemd/system), KIKS_NGINX_DIR (/etc/nginx), KIKS_BIN_DIR (/usr/local/bin).
set -euo pipefail

KIKS_HOME="${KIKS_HOME:-/srv/kiks}"
KIKS_HOST="${KIKS_HOST:-}"
KIKS_REDIS="${KIKS_REDIS:-yes}"
KIKS_NGINX="${KIKS_NGINX:-yes}"
KIKS_START="${KIKS_START:-yes}"
while [ $# -gt 0 ]; do
  case "$1" in
    --host) KIKS_HOST="$2"; shift 2 ;;
    --home) KIKS_HOME="$2"; shift 2 ;;
    --no-redis) KIKS_REDIS=no; shift ;;
    --no-nginx) KIKS_NGINX=no; shift ;;
    --no-start) KIKS_START=no; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
APP="$KIKS_HOME/app"
VENV="$KIKS_HOME/venv"
ETC="${KIKS_ETC:-/etc/kiks}"
SYSTEMD_DIR="${KIKS_SYSTEMD_DIR:-/etc/systemd/system}"
NGINX_DIR="${KIKS_NGINX_DIR:-/etc/nginx}"
BIN_DIR="${KIKS_BIN_DIR:-/usr/local/bin}"
ENV_FILE="$ETC/kiks.env"
TLS="$ETC/tls"
DB=kiks
export KIKS_ENV_FILE="$ENV_FILE"  # for kiks-manage

step() { printf '\n== %s\n' "$*"; }
manage() { runuser -u kiks -- "$APP/deploy/kiks-manage" "$@"; }
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
# systemctl, or (no systemd running: a container or chroot) a word on what to start by hand.
units_ctl() {
  if [ -d /run/systemd/system ]; then
    systemctl "$@"
  else
    echo "no systemd running: skipped 'systemctl $*' (start the service by hand)"
  fi
}

[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
if [ -z "$KIKS_HOST" ] && [ ! -f "$ENV_FILE" ]; then
  echo "install.sh: give the public host name: --host kiks.example.go.id" >&2
  exit 2
fi
if [ -z "$KIKS_HOST" ]; then
  KIKS_HOST="$(sed -n 's/^ALLOWED_HOSTS=\([^,]*\).*/\1/p' "$ENV_FILE")"
fi

step "Packages (apt)"
# procps: /bin/kill, which kiks-web.service reloads gunicorn with (absent from a minimal Debian).
packages=(python3 python3-venv git postgresql openssl curl ca-certificates procps)
[ "$KIKS_NGINX" = yes ] && packages+=(nginx)
[ "$KIKS_REDIS" = yes ] && packages+=(redis-server)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
units_ctl enable --now postgresql
[ "$KIKS_REDIS" = yes ] && units_ctl enable --now redis-server

step "System user kiks and folders under $KIKS_HOME"
if ! id kiks >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$KIKS_HOME" --shell /usr/sbin/nologin kiks
fi
# nginx reads the static files and media and talks to the app's socket through the group kiks.
if [ "$KIKS_NGINX" = yes ] && id www-data >/dev/null 2>&1; then
  usermod -a -G kiks www-data
fi
install -d -o root -g kiks -m 0750 "$KIKS_HOME"
install -d -o kiks -g kiks -m 2750 "$KIKS_HOME/media" "$KIKS_HOME/static"
install -d -o kiks -g kiks -m 0700 "$KIKS_HOME/backups"
install -d -o root -g kiks -m 0750 "$ETC"
install -d -o root -g root -m 0700 "$TLS"

step "Code in $APP"
if [ "$SOURCE" != "$APP" ]; then
  if [ -d "$APP/.git" ]; then
    echo "$APP exists: left as it is (deploy/upgrade.sh updates it)"
  else
    git clone --quiet "$SOURCE" "$APP"
  fi
fi
chown -R root:root "$APP"
chmod -R u=rwX,go=rX "$APP"

step "Virtual environment $VENV (requirements.lock: exact versions)"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r "$APP/requirements.lock"
"$VENV/bin/python" -m pip install --quiet --no-deps "$APP"
"$VENV/bin/python" -m compileall -q "$APP" >/dev/null || true  # kiks cannot write __pycache__
ln -sf "$APP/deploy/kiks-manage" "$BIN_DIR/kiks-manage"

step "PostgreSQL: role and database $DB"
if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'kiks'" | grep -q 1; then
  as_postgres createuser kiks
fi
if ! as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_postgres createdb --owner kiks --encoding UTF8 --template template0 "$DB"
fi

step "Environment $ENV_FILE"
if [ -f "$ENV_FILE" ]; then
  echo "$ENV_FILE exists: kept (compare with deploy/kiks.env.example after an upgrade)"
else
  secret="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  redis=""
  [ "$KIKS_REDIS" = yes ] && redis="redis://127.0.0.1:6379/0"
  umask 027
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" \
    -e "s|kiks\.example\.go\.id|$KIKS_HOST|g" \
    -e "s|/srv/kiks|$KIKS_HOME|g" \
    -e "s|^REDIS_URL=.*|REDIS_URL=$redis|" \
    "$APP/deploy/kiks.env.example" >"$ENV_FILE"
  [ "$KIKS_NGINX" = yes ] || sed -i 's|^X_ACCEL_PREFIX=.*|X_ACCEL_PREFIX=|' "$ENV_FILE"
  umask 022
  echo "$ENV_FILE written (SECRET_KEY generated): review the e-mail settings"
fi
chown root:kiks "$ENV_FILE"
chmod 0640 "$ENV_FILE"

step "Database tables and static files"
manage migrate --noinput
manage collectstatic --noinput --verbosity 0
manage check --deploy --fail-level WARNING

step "systemd units"
units=(kiks-web.service kiks-backup.service kiks-backup.timer)
if manage help db_worker >/dev/null 2>&1; then
  units+=(kiks-worker.service)
else
  echo "kiks-worker.service not installed: this version has no manage.py db_worker"
fi
for unit in "${units[@]}"; do
  sed -e "s|/srv/kiks|$KIKS_HOME|g" -e "s|/etc/kiks/|$ETC/|g" "$APP/deploy/systemd/$unit" \
    >"$SYSTEMD_DIR/$unit"
done
units_ctl daemon-reload
if [ "$KIKS_START" = yes ]; then
  for unit in "${units[@]}"; do
    [ "$unit" = kiks-backup.service ] && continue
    units_ctl enable --quiet "$unit"
    units_ctl restart "$unit"
  done
fi

if [ "$KIKS_NGINX" = yes ]; then
  step "TLS certificate and nginx site"
  if [ ! -f "$TLS/fullchain.pem" ]; then
    # Self-signed until a real one is in place (docs/deployment.md, "Certificate").
    openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 825 -subj "/CN=$KIKS_HOST" \
      -addext "subjectAltName=DNS:$KIKS_HOST" \
      -keyout "$TLS/privkey.pem" -out "$TLS/fullchain.pem" 2>/dev/null
    chmod 0600 "$TLS/privkey.pem"
    echo "self-signed certificate for $KIKS_HOST written to $TLS"
  fi
  no_ipv6=()
  # nginx refuses to start on `listen [::]` where IPv6 is switched off.
  [ -s /proc/net/if_inet6 ] || no_ipv6=(-e '/listen \[::\]/d')
  sed -e "s|kiks\.example\.go\.id|$KIKS_HOST|g" -e "s|/srv/kiks|$KIKS_HOME|g" "${no_ipv6[@]}" \
    -e "s|/etc/kiks/|$ETC/|g" "$APP/deploy/nginx/kiks.conf" >"$NGINX_DIR/sites-available/kiks"
  ln -sf "$NGINX_DIR/sites-available/kiks" "$NGINX_DIR/sites-enabled/kiks"
  # Debian's welcome page would answer every other name on port 80.
  rm -f "$NGINX_DIR/sites-enabled/default"
  nginx -t
  units_ctl enable --quiet nginx
  units_ctl reload-or-restart nginx
fi

if [ "$KIKS_START" = yes ] && [ "$KIKS_NGINX" = yes ]; then
  step "Health check"
  "$APP/deploy/healthcheck.sh" "$KIKS_HOST"
fi

cat <<DONE

KIKS is installed in $KIKS_HOME for https://$KIKS_HOST/
  first organiser account:  sudo -u kiks kiks-manage create_organiser <username> --email ... --print-link
  ready?                    sudo -u kiks kiks-manage check_installation
  real certificate:         docs/deployment.md, "Certificate" (certbot)
  upgrade:                  sudo $APP/deploy/upgrade.sh [git ref]
  backups:                  $KIKS_HOME/backups, daily (systemctl list-timers kiks-backup.timer)
DONE
