#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu/Debian, as root). The
# autograder zip holds this folder's files at its top level plus the klab source tree in klab/ and a
# file `lab` with the lab number (see README.md here).
set -euo pipefail
cd /autograder/source
source klab/scripts/deps.sh
klab_install_deps
klab_build "$PWD/klab/build/release" klab -DCMAKE_BUILD_TYPE=Release -DKLAB_BUILD_TESTS=OFF
