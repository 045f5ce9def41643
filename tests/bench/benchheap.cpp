// Every benchmark runs with the heap setting of the programs it stands for
// (ballast-cli and ballast call it first thing in main).
#include "common/heap.h"

namespace {

const bool g_heapKept = [] {
    ballast::common::keepFreedHeapMemory();
    return true;
}();

} // namespace
