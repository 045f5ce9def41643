#pragma once

namespace ballast::common {

/// Keeps memory freed at the top of the heap in the process (up to 64 MiB)
/// instead of giving it back to the system after every large free. glibc's
/// default gives back whatever is free above 128 KiB, so work that builds
/// and drops the same structures again and again (a plan preview recomputed
/// on every edit, a sweep's runs) takes the same pages back one page fault
/// at a time: about 10 µs each on a virtual machine (BM_PlanTarget:
/// 287-300 µs with this setting, 625-858 µs without, same build, measured
/// 2026-12-04). Peak memory is unchanged; memory stays in use
/// after a large operation until the process ends or needs it again. Called
/// first thing by the programs' main functions and the benchmarks; does
/// nothing where the C library is not glibc.
void keepFreedHeapMemory();

} // namespace ballast::common
