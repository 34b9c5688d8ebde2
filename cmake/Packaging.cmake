# The Debian package (issue 17): `cpack -G DEB` in a build directory writes
# greenlight_VERSION_ARCH.deb with the binary (/usr/bin), the systemd unit
# (/usr/lib/systemd/system), the example model (/usr/share/greenlight/examples) and the docs
# (/usr/share/doc/greenlight). The package holds the binary of the build it is made from:
# make it from a Release build for a release (the test packs the sanitizer build's).
# tests/packaging/deb_test.sh builds it, unpacks it with dpkg-deb -x and runs it.

include(GNUInstallDirs)

install(TARGETS greenlight RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The unit in packaging/ is written for a hand install in /usr/local/bin; the package's
# binary is in /usr/bin.
file(READ ${PROJECT_SOURCE_DIR}/packaging/greenlight.service _greenlight_unit)
string(REPLACE "/usr/local/bin/greenlight" "/usr/bin/greenlight" _greenlight_unit "${_greenlight_unit}")
file(WRITE ${PROJECT_BINARY_DIR}/packaging/greenlight.service "${_greenlight_unit}")
install(FILES ${PROJECT_BINARY_DIR}/packaging/greenlight.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/examples/shop.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/greenlight/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/BENCHMARKS.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME greenlight)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "greenlight")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "health-model monitoring daemon: flows, components, signals and pages about causes")
set(CPACK_PACKAGE_INSTALL_DIRECTORY greenlight)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # greenlight_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "greenlight maintainers <greenlight@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the binary's libraries (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tzdata")
include(CPack)
