#!/usr/bin/env bash
# One backup of the portal (manage.py backup: rows as JSON and every media file, docs/backup.md)
# into KIKS_BACKUP_DIR, then delete archives older than KIKS_BACKUP_KEEP_DAYS days.
# Run by kiks-backup.service (daily, kiks-backup.timer); by hand: sudo -u kiks deploy/backup.sh
set -euo pipefail

APP_DIR="$(cd "$(dirname "$0")/.." && pwd)"
BACKUP_DIR="${KIKS_BACKUP_DIR:-/srv/kiks/backups}"
KEEP_DAYS="${KIKS_BACKUP_KEEP_DAYS:-30}"
MANAGE="$APP_DIR/deploy/kiks-manage"

case "$KEEP_DAYS" in
  '' | *[!0-9]* | 0) echo "KIKS_BACKUP_KEEP_DAYS must be a number of days (1 or more), not '$KEEP_DAYS'" >&2; exit 2 ;;
esac
mkdir -p "$BACKUP_DIR"
stamp="$(date +%Y%m%d-%H%M%S)"
final="$BACKUP_DIR/kiks-$stamp.tar.gz"
partial="$BACKUP_DIR/.kiks-$stamp.tar.gz.partial"
trap 'rm -f "$partial"' EXIT

# Written under another name first: a half-written archive is never taken for a backup.
"$MANAGE" backup "$partial"
mv "$partial" "$final"
echo "backup: $final ($(du -h "$final" | cut -f1))"

# Rotation: only our own archives, only after a successful backup.
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'kiks-*.tar.gz' -mtime "+$((KEEP_DAYS - 1))" -print -delete \
  | sed 's/^/backup: deleted /'
