#pragma once

#include <cstddef>
#include <memory>
#include <span>

namespace ballast::backtest {

/// Whole 2 MiB pages for at least @p bytes, aligned on 2 MiB, that the kernel
/// is asked to back with huge pages (contents unspecified); throws
/// std::bad_alloc when they cannot be mapped. unmapHugePages with the same
/// @p bytes gives them back.
[[nodiscard]] void *mapHugePages(std::size_t bytes);
void unmapHugePages(void *block, std::size_t bytes) noexcept;

/// Anonymous memory of at least @p bytes (contents unspecified) in whole
/// 2 MiB pages that the kernel is asked to back with huge pages: filling it
/// costs one page fault per 2 MiB instead of one per 4 KiB where transparent
/// huge pages are enabled for such requests. Freed with its last owner.
[[nodiscard]] std::shared_ptr<void> hugePageMemory(std::size_t bytes);

/// A hugePageMemory block kept for reuse: reserve() gives at least @p bytes,
/// the same block while it is large enough, a larger one (contents not kept)
/// otherwise. Throws std::bad_alloc when a block cannot be mapped, leaving
/// the one it had.
class HugePageBlock
{
public:
    [[nodiscard]] void *reserve(std::size_t bytes);

private:
    std::shared_ptr<void> m_memory;
    std::size_t m_bytes = 0;
};

/// Working memory for one backtest's per-bar curves, lent by the calling
/// thread and kept by it for its next run. A run of ten years of hourly bars
/// writes 1.4 MB of curve values; in fresh memory that is one page fault per
/// 4 KiB (about 9 µs each on a virtual machine, more than the run spends on
/// the bars themselves). The memory is mapped in whole 2 MiB pages and the
/// kernel asked to back them with huge pages (one fault each, where
/// transparent huge pages are enabled for such requests), and a sweep's
/// runs on a pool thread reuse it instead of mapping it again.
///
/// The span stays valid until the Scratch is destroyed, and its contents
/// start unspecified. A second Scratch alive on the same thread gets memory
/// of its own from the heap.
class Scratch
{
public:
    explicit Scratch(std::size_t doubles);
    ~Scratch();
    Scratch(const Scratch &) = delete;
    Scratch &operator=(const Scratch &) = delete;

    [[nodiscard]] std::span<double> doubles() const { return m_doubles; }

private:
    std::span<double> m_doubles;
    std::unique_ptr<double[]> m_own; ///< only when the thread's memory is lent already
};

} // namespace ballast::backtest
