// The kernel's unit tests: one doctest binary, one file per concept (see the other files here).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
