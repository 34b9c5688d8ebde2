# Sourced by run.sh and test.sh: installs the Debian packages that are missing.
# Uses sudo when not root; asks apt once, and only when something is missing.

greenlight_build_packages=(
  g++ cmake ninja-build pkg-config ccache
  libtomlplusplus-dev libboost-graph-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev prometheus-cpp-dev libcpp-httplib-dev libssl-dev libhowardhinnant-date-dev
)
greenlight_test_packages=(catch2 libbenchmark-dev openssl curl graphviz monitoring-plugins-basic prometheus prometheus-alertmanager chromium
  python3-croniter python3-yaml)
# fuzz/run.sh's: clang and libFuzzer (live fuzzing is not part of ./test.sh).
greenlight_fuzz_packages=(clang libfuzzer-14-dev libclang-rt-14-dev)

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "==> installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
