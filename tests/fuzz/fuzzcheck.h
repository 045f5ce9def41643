#pragma once

#include <cstdio>
#include <cstdlib>

// A fuzz target's own invariant: when it does not hold, print what was
// expected and abort, so that libFuzzer (and the replay driver) report the
// input as a crash. Qt's Q_ASSERT is compiled out in release builds.
#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #condition);                \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)
