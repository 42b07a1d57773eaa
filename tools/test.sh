#!/bin/sh
# test.sh - install what the tests need, build twice (warnings fatal; then
# ASan+UBSan) and run every test with ctest in both builds.
# Usage: tools/test.sh        (from anywhere; builds under build-test*/)
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh --test
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOB_WERROR=ON
cmake --build build-test -j"$jobs"
(cd build-test && ctest --output-on-failure -j"$jobs")

# The sanitizer build: undefined behaviour or a leak fails the test.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTOB_WERROR=ON \
    -DTOB_SANITIZE=ON
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j"$jobs")
