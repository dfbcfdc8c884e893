#!/usr/bin/env bash
# Install the Debian packages the app (and, with "test", the test suite) needs, when they are missing.
# Uses apt-get as root, or sudo when it works without a password; otherwise says what to install.
set -euo pipefail
want_test=${1:-}

if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
missing=()
need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing+=("$1"); }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

apt_updated=""
install_missing() {
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$SUDO" = none ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo ">> installing ${missing[*]}"
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  missing=()
}

# PostgreSQL first: which PostGIS package fits depends on its major version.
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
getent passwd postgres >/dev/null || missing+=(postgresql-common)
install_missing
major=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
need_pkg "postgresql-${major}-postgis-3"
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
need_cmd npm npm
need_pkg fonts-noto-cjk  # Chinese in the PDF bulletin (and in browser screenshots for the tests)
if [ "$want_test" = test ]; then
  need_cmd chromium chromium
  need_cmd pdftoppm poppler-utils  # the bulletin tests look at its pages as PNG and read its text as laid out
  need_cmd ogrinfo gdal-bin  # the export tests open the downloaded GeoPackage with GDAL's own tools
fi
install_missing
