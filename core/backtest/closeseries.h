#pragma once

#include "backtest/scratch.h"

#include <QString>
#include <QtGlobal>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

namespace ballast::backtest {

/// An allocator whose containers leave new elements of a trivial type
/// uninitialised on resize(): a vector of tens of megabytes of closes that is
/// written in full right after is then not zero-filled first (by one thread,
/// faulting every page in on the way), and its pages are first touched by
/// the threads that write them.
template<typename T>
class UninitializedAllocator : public std::allocator<T>
{
public:
    template<typename U>
    struct rebind
    {
        using other = UninitializedAllocator<U>;
    };

    UninitializedAllocator() noexcept = default;
    template<typename U>
    UninitializedAllocator(const UninitializedAllocator<U> & /*other*/) noexcept
    {
    }

    template<typename U>
    void construct(U *place) noexcept(std::is_nothrow_default_constructible_v<U>)
    {
        ::new (static_cast<void *>(place)) U; // default-, not value-initialised
    }
    template<typename U, typename... Args>
    void construct(U *place, Args &&...args)
    {
        ::new (static_cast<void *>(place)) U(std::forward<Args>(args)...);
    }
};

/// Closes as the backtest keeps them: a vector that resize() does not zero-fill.
using CloseBuffer = std::vector<double, UninitializedAllocator<double>>;

/// An allocator that gives large blocks (kFrom bytes and more) whole 2 MiB
/// pages of their own (mapHugePages) and small ones the heap's memory. Fresh
/// memory costs a page fault per 4 KiB page where it is first written, about
/// 10 µs each on a virtual machine: the 700 KB of a ten-year hourly load's
/// bar times were 171 faults, and building them took 1.0-1.4 ms of a repeated
/// backtest; in a huge page they are one fault, and 0.2 ms.
template<typename T>
class HugePageAllocator
{
public:
    using value_type = T;
    static constexpr std::size_t kFrom = std::size_t{256} * 1024;

    HugePageAllocator() noexcept = default;
    template<typename U>
    HugePageAllocator(const HugePageAllocator<U> & /*other*/) noexcept
    {
    }

    [[nodiscard]] T *allocate(std::size_t count)
    {
        if (count * sizeof(T) < kFrom)
            return std::allocator<T>().allocate(count);
        return static_cast<T *>(mapHugePages(count * sizeof(T)));
    }
    void deallocate(T *block, std::size_t count) noexcept
    {
        if (count * sizeof(T) < kFrom)
            std::allocator<T>().deallocate(block, count);
        else
            unmapHugePages(block, count * sizeof(T));
    }

    template<typename U>
    friend bool operator==(const HugePageAllocator & /*a*/, const HugePageAllocator<U> & /*b*/) noexcept
    {
        return true;
    }
};

/// Bar times as a load keeps them (see HugePageAllocator).
using TimeBuffer = std::vector<qint64, HugePageAllocator<qint64>>;

/// Asks the kernel to back the whole 2 MiB pages inside a large vector's
/// storage with huge pages: tens of megabytes of closes are otherwise filled
/// by one page fault per 4 KiB, which cost more than the copying itself.
/// Only a hint; nothing changes where the kernel or platform says no.
template<typename T, typename Allocator>
void adviseHugePages(std::vector<T, Allocator> &vector)
{
#ifdef Q_OS_LINUX
    constexpr std::size_t kHuge = std::size_t{2} * 1024 * 1024;
    const auto begin = reinterpret_cast<std::uintptr_t>(vector.data());
    const std::uintptr_t end = begin + vector.capacity() * sizeof(T);
    const std::uintptr_t first = (begin + kHuge - 1) / kHuge * kHuge;
    const std::uintptr_t last = end / kHuge * kHuge;
    if (last > first)
        ::madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
#else
    Q_UNUSED(vector);
#endif
}

/// Maps in the pages of [@p begin, @p begin + @p bytes) ahead of writing
/// them: one call instead of a page fault per 4 KiB of fresh memory (a
/// fault costs about 9 µs on a virtual machine, mapping the page in this way
/// less than half). The contents are not touched; pages already there stay
/// as they are. Only a hint: kernels before 5.14 refuse it and the pages
/// fault in as they are written.
inline void prefaultForWrite(const void *begin, std::size_t bytes)
{
#if defined(Q_OS_LINUX) && defined(MADV_POPULATE_WRITE)
    constexpr std::uintptr_t kPage = 4096;
    const auto first = reinterpret_cast<std::uintptr_t>(begin) / kPage * kPage;
    const std::uintptr_t last = (reinterpret_cast<std::uintptr_t>(begin) + bytes + kPage - 1) / kPage * kPage;
    if (last > first)
        ::madvise(reinterpret_cast<void *>(first), last - first, MADV_POPULATE_WRITE);
#else
    Q_UNUSED(begin);
    Q_UNUSED(bytes);
#endif
}

/// The closes of a BacktestData, time-major: a buffer of its own, or a view
/// of memory someone else owns (a load found whole in the cache: the closes
/// read into huge pages, see SeriesCache::findAligned). Reading is the same
/// for both; buffer() gives the buffer to build or change them in, copying a
/// view into it first.
class CloseMatrix
{
public:
    CloseMatrix() = default;
    explicit CloseMatrix(CloseBuffer owned)
        : m_owned(std::move(owned))
    {
    }
    CloseMatrix(std::initializer_list<double> values)
        : m_owned(values)
    {
    }
    /// A view of @p values, which stay valid as long as @p owner lives.
    static CloseMatrix view(std::span<const double> values, std::shared_ptr<const void> owner)
    {
        CloseMatrix matrix;
        matrix.m_view = values;
        matrix.m_owner = std::move(owner);
        return matrix;
    }

    [[nodiscard]] const double *data() const { return m_owner ? m_view.data() : m_owned.data(); }
    [[nodiscard]] std::size_t size() const { return m_owner ? m_view.size() : m_owned.size(); }
    [[nodiscard]] bool empty() const { return size() == 0; }
    [[nodiscard]] const double &operator[](std::size_t i) const { return data()[i]; }
    [[nodiscard]] const double *begin() const { return data(); }
    [[nodiscard]] const double *end() const { return data() + size(); }
    [[nodiscard]] double back() const { return data()[size() - 1]; }
    [[nodiscard]] std::span<const double> values() const { return {data(), size()}; }
    /// Whether the closes are a view of memory owned elsewhere.
    [[nodiscard]] bool isView() const { return m_owner != nullptr; }

    /// The buffer to write the closes in (a view is copied into it first).
    CloseBuffer &buffer()
    {
        if (m_owner) {
            m_owned.assign(m_view.begin(), m_view.end());
            m_view = {};
            m_owner.reset();
        }
        return m_owned;
    }

    friend bool operator==(const CloseMatrix &a, const CloseMatrix &b)
    {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
    }

private:
    CloseBuffer m_owned;
    std::span<const double> m_view;
    std::shared_ptr<const void> m_owner;
};

/// Open times that step evenly: start, start + step, ... (count of them).
struct TimeRun
{
    qint64 start = 0;
    qint64 step = 0;
    std::size_t count = 0;

    [[nodiscard]] qint64 last() const { return start + step * static_cast<qint64>(count - 1); }
    friend bool operator==(const TimeRun &, const TimeRun &) = default;
};

/// The closes of one price file as a backtest needs them: ascending unique
/// open times, kept as runs of even steps (an hourly file without gaps is one
/// run, so ten years of times cost 24 bytes), and one close per time.
struct CloseSeries
{
    QString asset; ///< "BTC"
    QString quote; ///< "USDT"
    QString interval; ///< "1h"
    qint64 intervalMs = 0;
    std::vector<TimeRun> runs;
    CloseBuffer closes; ///< one per time, all above zero; empty when they are mapped
    /// The closes read in place from a mapped cache file (SeriesCache), kept
    /// mapped by @ref mapping as long as this series or a copy lives; empty
    /// for parsed closes.
    std::span<const double> mapped;
    std::shared_ptr<const void> mapping;

    /// The closes, wherever they are: one per time, all above zero.
    [[nodiscard]] std::span<const double> values() const
    {
        return mapping ? mapped : std::span<const double>(closes.data(), closes.size());
    }
    [[nodiscard]] std::size_t size() const { return mapping ? mapped.size() : closes.size(); }
    /// Appends a time; it must be after the last one.
    void appendTime(qint64 ms)
    {
        if (!runs.empty()) {
            TimeRun &run = runs.back();
            if (run.count == 1 && ms > run.start) {
                run.step = ms - run.start;
                run.count = 2;
                return;
            }
            if (run.count >= 2 && ms - run.last() == run.step) {
                ++run.count;
                return;
            }
        }
        runs.push_back({ms, 0, 1});
    }
    /// Every time, expanded (for tests and the rare caller that needs them).
    [[nodiscard]] std::vector<qint64> times() const
    {
        std::vector<qint64> out;
        out.reserve(size());
        for (const TimeRun &run : runs) {
            for (std::size_t i = 0; i < run.count; ++i)
                out.push_back(run.start + run.step * static_cast<qint64>(i));
        }
        return out;
    }
};

} // namespace ballast::backtest
