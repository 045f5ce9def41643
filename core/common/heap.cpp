#include "common/heap.h"

#include <cstdlib> // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ballast::common {

void keepFreedHeapMemory()
{
#if defined(__GLIBC__)
    constexpr int kTrimThreshold = 64 * 1024 * 1024;
    ::mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
#endif
}

} // namespace ballast::common
