#!/usr/bin/env bash
# Waits up to 30 s for https://HOST/healthz, asked through this server's nginx (127.0.0.1:443, a
# self-signed certificate accepted), to answer "ok". Exit 1 when it does not.
#   deploy/healthcheck.sh kiks.sukabumikota.go.id
set -euo pipefail
HOST="${1:?usage: healthcheck.sh HOST}"
URL="https://$HOST/healthz"
for _ in $(seq 1 30); do
  if [ "$(curl -sS -k --max-time 5 --resolve "$HOST:443:127.0.0.1" "$URL" 2>/dev/null)" = ok ]; then
    echo "health: $URL answers ok"
    exit 0
  fi
  sleep 1
done
echo "health: $URL does not answer ok after 30 s: journalctl -u kiks-web -n 50; tail /var/log/nginx/kiks.error.log" >&2
exit 1
