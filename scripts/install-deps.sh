#!/usr/bin/env bash
# Installs every Debian 12 package samsim needs to build, test and run.
# Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential cmake git pkg-config
  libeigen3-dev libboost-math-dev libspdlog-dev libfmt-dev
  catch2 librandom123-dev nlohmann-json3-dev libcli11-dev
  libbenchmark-dev
  libopenmpi-dev openmpi-bin
  clang-14 libfuzzer-14-dev
  python3-dev pybind11-dev python3-numpy python3-scipy python3-matplotlib python3-pytest python3-pandas
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
