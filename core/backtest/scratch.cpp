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
/// Maps whole 2 MiB pages, aligned, for at least @p bytes; @p rounded gets
/// the size mapped. Maps one huge page more than needed and trims it, so
/// that the block starts on a 2 MiB boundary: only aligned pages can be huge.
void *mapHuge(std::size_t bytes, std::size_t &rounded)
{
    rounded = (std::max<std::size_t>(bytes, 1) + kHuge - 1) / kHuge * kHuge;
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

/// A thread's memory (hugePageMemory), kept for its next run.
struct Block
{
    std::shared_ptr<void> memory;
    std::size_t doubles = 0;

    double *reserve(std::size_t wanted)
    {
        if (!memory || wanted > doubles) {
            memory = hugePageMemory(wanted * sizeof(double)); // throws before anything changes
            doubles = wanted;
        }
        return static_cast<double *>(memory.get());
    }
};

thread_local Block t_block;
thread_local bool t_lent = false;

} // namespace

void *mapHugePages(std::size_t bytes)
{
#ifdef Q_OS_LINUX
    std::size_t rounded = 0;
    return mapHuge(bytes, rounded);
#else
    return ::operator new(std::max<std::size_t>(bytes, 1));
#endif
}

void unmapHugePages(void *block, std::size_t bytes) noexcept
{
#ifdef Q_OS_LINUX
    ::munmap(block, (std::max<std::size_t>(bytes, 1) + kHuge - 1) / kHuge * kHuge);
#else
    Q_UNUSED(bytes);
    ::operator delete(block);
#endif
}

std::shared_ptr<void> hugePageMemory(std::size_t bytes)
{
    return {mapHugePages(bytes), [bytes](void *block) { unmapHugePages(block, bytes); }};
}

Scratch::Scratch(std::size_t doubles)
{
    if (t_lent) {
        // Another Scratch of this thread is alive: memory of its own.
        m_own = std::make_unique_for_overwrite<double[]>(doubles);
        m_doubles = {m_own.get(), doubles};
        return;
    }
    m_doubles = {t_block.reserve(doubles), doubles};
    t_lent = true;
}

Scratch::~Scratch()
{
    if (!m_own)
        t_lent = false;
}

} // namespace ballast::backtest
