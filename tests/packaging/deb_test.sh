#!/usr/bin/env bash
# The Debian package, as a user gets it: `cpack -G DEB` in the build directory (no second
# build: cpack installs what is built), the .deb unpacked with dpkg-deb -x into a scratch
# root, its files checked and its binary run from there on its own example model.
# Usage: deb_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1
version=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Fast on the large sanitizer binary: zstd, and no dpkg-shlibdeps (its Depends cost ~20 s
# of a loaded machine here); a release package keeps the defaults of cmake/Packaging.cmake.
cpack --config "$build/CPackConfig.cmake" -G DEB -D CPACK_DEBIAN_COMPRESSION_TYPE=zstd \
  -D CPACK_DEBIAN_PACKAGE_SHLIBDEPS=OFF -B "$scratch/out" >"$scratch/cpack.log" 2>&1 || {
  cat "$scratch/cpack.log"
  exit 1
}
arch=$(dpkg --print-architecture)
deb="$scratch/out/greenlight_${version}_${arch}.deb"
[ -f "$deb" ] || { echo "no $deb; cpack wrote:"; ls -l "$scratch/out"; exit 1; }

info=$(dpkg-deb --field "$deb" Package Version Architecture)
echo "$info"
grep -qx "Package: greenlight" <<<"$info"
grep -qx "Version: $version" <<<"$info"
grep -qx "Architecture: $arch" <<<"$info"

root="$scratch/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/greenlight usr/lib/systemd/system/greenlight.service usr/share/greenlight/examples/shop.toml \
         usr/share/doc/greenlight/README.md usr/share/doc/greenlight/docs/configuration.md; do
  [ -f "$root/$f" ] || { echo "missing in the package: /$f"; dpkg-deb -c "$deb"; exit 1; }
done
grep -q "^ExecStart=/usr/bin/greenlight run " "$root/usr/lib/systemd/system/greenlight.service"

# The packaged binary on the packaged example.
out=$("$root/usr/bin/greenlight" validate "$root/usr/share/greenlight/examples/shop.toml")
echo "$out"
grep -q ": ok: " <<<"$out"
echo "ok: $(basename "$deb") unpacks and runs"
