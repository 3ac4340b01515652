#!/usr/bin/env bash
# Makes a self-signed certificate for local HTTPS development in ./certs/ (git-ignored):
#   npm run dev:cert
#   TLS_CERT_FILE=certs/localhost.crt TLS_KEY_FILE=certs/localhost.key npm start   # https://localhost:3000
# Browsers and curl do not trust it: pass `--cacert certs/localhost.crt` to curl, or import it into a test
# browser profile. Never use it in production; use a real certificate (see docs/SECURITY.md).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=certs
name=localhost
days="${DEV_CERT_DAYS:-30}"
mkdir -p "$dir"
chmod 700 "$dir"
if [[ -e "$dir/$name.crt" && "${1:-}" != "--force" ]]; then
  echo "$dir/$name.crt exists; run with --force to replace it" >&2
  exit 1
fi

umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
  -days "$days" -subj "/CN=$name" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
  -addext "keyUsage=digitalSignature" -addext "extendedKeyUsage=serverAuth" \
  -keyout "$dir/$name.key" -out "$dir/$name.crt" 2>/dev/null
chmod 644 "$dir/$name.crt"

echo "Wrote $dir/$name.crt and $dir/$name.key (valid $days days, for localhost, 127.0.0.1 and ::1)."
echo "Start with: TLS_CERT_FILE=$dir/$name.crt TLS_KEY_FILE=$dir/$name.key npm start"
openssl x509 -in "$dir/$name.crt" -noout -fingerprint -sha256
