#include "backtest/scratch.h"

#include <QtGlobal>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

namespace ballast::backtest {

namespace {

constexpr std::size_t kHuge = std::size_t{2} * 1024 * 1024;

#ifdef Q_OS_LINUX
/// The size mapped for @p bytes: whole 2 MiB pages, at least one.
std::size_t roundedToHuge(std::size_t bytes)
{
    return (std::max<std::size_t>(bytes, 1) + kHuge - 1) / kHuge * kHuge;
}

/// Maps whole 2 MiB pages, aligned, for at least @p bytes. Maps one huge page
/// more than needed and trims it, so that the block starts on a 2 MiB
/// boundary: only aligned pages can be huge.
void *mapHuge(std::size_t bytes)
{
    const std::size_t rounded = roundedToHuge(bytes);
    void *mapped = ::mmap(nullptr, rounded + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED)
        throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
    if (aligned > start)
        ::munmap(mapped, aligned - start);
    const std::uintptr_t end = start + rounded + kHuge;
    if (end > aligned + rounded)
        ::munmap(reinterpret_cast<void *>(aligned + rounded), end - (aligned + rounded));
    ::madvise(reinterpret_cast<void *>(aligned), rounded, MADV_HUGEPAGE); // a hint: ignored where refused
    return reinterpret_cast<void *>(aligned);
}
#endif

/// A thread's memory, kept for its next run.
thread_local HugePageBlock t_block;
thread_local bool t_lent = false;

} // namespace

void *mapHugePages(std::size_t bytes)
{
#ifdef Q_OS_LINUX
    return mapHuge(bytes);
#else
    return ::operator new(std::max<std::size_t>(bytes, 1));
#endif
}

void unmapHugePages(void *block, std::size_t bytes) noexcept
{
#ifdef Q_OS_LINUX
    ::munmap(block, roundedToHuge(bytes));
#else
    Q_UNUSED(bytes);
    ::operator delete(block);
#endif
}

std::shared_ptr<void> hugePageMemory(std::size_t bytes)
{
    return {mapHugePages(bytes), [bytes](void *block) { unmapHugePages(block, bytes); }};
}

void *HugePageBlock::reserve(std::size_t bytes)
{
    if (!m_memory || bytes > m_bytes) {
        m_memory = hugePageMemory(bytes); // throws before anything changes
        m_bytes = bytes;
    }
    return m_memory.get();
}

Scratch::Scratch(std::size_t doubles)
{
    if (t_lent) {
        // Another Scratch of this thread is alive: memory of its own.
        m_own = std::make_unique_for_overwrite<double[]>(doubles);
        m_doubles = {m_own.get(), doubles};
        return;
    }
    m_doubles = {static_cast<double *>(t_block.reserve(doubles * sizeof(double))), doubles};
    t_lent = true;
}

Scratch::~Scratch()
{
    if (!m_own)
        t_lent = false;
}

} // namespace ballast::backtest
