#!/usr/bin/env bash
# Installs what is missing, builds greenlight (Release) and runs the main job:
# `greenlight check` on the e-commerce example, after validating it and printing its graph.
set -euo pipefail
cd "$(dirname "$0")"
source .ci/packages.sh
ensure_packages "${greenlight_build_packages[@]}"

echo "==> building (Release) into build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DGREENLIGHT_BENCH=OFF >/dev/null
cmake --build build

echo "==> greenlight validate examples/shop.toml"
./build/greenlight validate examples/shop.toml
echo "==> greenlight graph examples/shop.toml --format mermaid"
./build/greenlight graph examples/shop.toml --format mermaid
