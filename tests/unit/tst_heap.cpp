// The programs' heap setting (common/heap.h): memory freed at the top of the
// heap stays in the process instead of going back after every large free.
#include "common/heap.h"

#include <QTest>

#include <cstdlib>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BALLAST_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define BALLAST_OWN_ALLOCATOR 1
#endif
#endif

class TestHeap : public QObject
{
    Q_OBJECT

private slots:
    void freedTopOfHeapStays()
    {
#if !defined(__GLIBC__)
        QSKIP("the setting is glibc's");
#elif defined(BALLAST_OWN_ALLOCATOR)
        QSKIP("a sanitizer's allocator replaces glibc's here");
#else
        ballast::common::keepFreedHeapMemory();
        // 2 MiB in blocks of 4 KiB from the heap's top (above the sizes
        // glibc keeps in its per-thread cache, below those it maps on their
        // own), freed again in the reverse order: they merge into one free
        // chunk at the top, which glibc's default (128 KiB) would give back
        // to the system at once.
        constexpr int kBlocks = 512;
        std::vector<void *> blocks;
        blocks.reserve(kBlocks);
        for (int i = 0; i < kBlocks; ++i)
            blocks.push_back(std::malloc(4096));
        for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
            std::free(*it);
        const struct mallinfo2 info = ::mallinfo2();
        QVERIFY2(info.keepcost >= std::size_t{1} << 20,
                 qPrintable(QStringLiteral("%1 bytes free at the top of the heap").arg(info.keepcost)));
#endif
    }
};

QTEST_GUILESS_MAIN(TestHeap)
#include "tst_heap.moc"
