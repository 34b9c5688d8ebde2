#!/usr/bin/env bash
# Installs what is missing, builds greenlight (Release) and runs the main job:
# `greenlight demo`, the seed's e-commerce shop simulated on 127.0.0.1 with the daemon
# watching it. It prints the dashboard's URL (http://127.0.0.1:9750/) and runs until
# Ctrl-C. Extra arguments go to `greenlight demo` (e.g. --listen 127.0.0.1:9850).
set -euo pipefail
cd "$(dirname "$0")"
source .ci/packages.sh
ensure_packages "${greenlight_build_packages[@]}"

echo "==> building (Release) into build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DGREENLIGHT_BENCH=OFF >/dev/null
cmake --build build

echo "==> greenlight validate examples/shop.toml"
./build/greenlight validate examples/shop.toml
echo "==> greenlight demo $*"
exec ./build/greenlight demo "$@"
