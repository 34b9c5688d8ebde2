# GREENLIGHT_FUZZ=ON (fuzz/README.md): every library is built with libFuzzer's coverage
# instrumentation and ASan+UBSan, so that the fuzz targets see what they reach. clang only.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "GREENLIGHT_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++ (Debian: clang, libclang-rt-14-dev)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
