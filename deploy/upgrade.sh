#!/usr/bin/env bash
# KIKS portal: upgrade this server in one command.
#
#   sudo /srv/kiks/app/deploy/upgrade.sh            # the branch's latest commit (git pull)
#   sudo /srv/kiks/app/deploy/upgrade.sh v1.4.0     # a tag, branch or commit
#
# 1. a backup first (kiks-backup.service: manage.py backup, with its rotation);
# 2. the code: git pull --ff-only, or the given ref;
# 3. the virtual environment from requirements.lock, then the app itself;
# 4. migrate and collectstatic;
# 5. restart kiks-web (and kiks-worker), then GET /healthz through nginx.
# Stops at the first failure and says how to go back to the previous commit.
set -euo pipefail

KIKS_HOME="${KIKS_HOME:-/srv/kiks}"
APP="$KIKS_HOME/app"
VENV="$KIKS_HOME/venv"
ENV_FILE=/etc/kiks/kiks.env
REF="${1:-}"

[ "$(id -u)" -eq 0 ] || { echo "upgrade.sh: run as root (sudo)" >&2; exit 1; }
manage() { runuser -u kiks -- "$APP/deploy/kiks-manage" "$@"; }
step() { printf '\n== %s\n' "$*"; }

previous="$(git -C "$APP" rev-parse HEAD)"
trap 'echo "upgrade.sh: FAILED. To go back: sudo $APP/deploy/upgrade.sh $previous (a migration that ran cannot be undone this way: restore the backup, docs/backup.md)" >&2' ERR

step "Backup"
systemctl start kiks-backup.service
journalctl -u kiks-backup.service -n 3 --no-pager -o cat || true

step "Code"
git -C "$APP" fetch --quiet --tags origin
if [ -n "$REF" ]; then
  git -C "$APP" checkout --quiet --detach "$REF"
else
  git -C "$APP" pull --quiet --ff-only
fi
chmod -R u=rwX,go=rX "$APP"
echo "from $previous to $(git -C "$APP" rev-parse HEAD)"

step "Virtual environment (requirements.lock)"
"$VENV/bin/python" -m pip install --quiet -r "$APP/requirements.lock"
"$VENV/bin/python" -m pip install --quiet --no-deps --force-reinstall "$APP"
"$VENV/bin/python" -m compileall -q "$APP" >/dev/null || true

step "Migrate and static files"
manage migrate --noinput
manage collectstatic --noinput --verbosity 0

step "Restart"
units=(kiks-web.service kiks-backup.service kiks-backup.timer)
restart=(kiks-web.service)
if manage help db_worker >/dev/null 2>&1; then
  units+=(kiks-worker.service)
  restart+=(kiks-worker.service)
fi
for unit in "${units[@]}"; do
  sed "s|/srv/kiks|$KIKS_HOME|g" "$APP/deploy/systemd/$unit" >"/etc/systemd/system/$unit"
done
systemctl daemon-reload
systemctl enable --quiet "${restart[@]}" kiks-backup.timer
systemctl restart "${restart[@]}"

step "Health check"
host="$(sed -n 's/^ALLOWED_HOSTS=\([^,]*\).*/\1/p' "$ENV_FILE")"
"$APP/deploy/healthcheck.sh" "$host"
