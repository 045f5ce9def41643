#pragma once

// The benchmark's price files: plain OHLCV files of hourly candles, written
// deterministically (its own splitmix64 generator, prices printed with eight
// decimals), so that every run and machine gets the same bytes. File i is
// named C<ii>-1h.csv and starts i hours after 2015-01-01 00:00 UTC, so the
// files share all but their first and last few bars and alignment has work.
// The names carry no quote currency: ballast-cli needs --quote.
#include <QDate>
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ballast::benchfiles {

class SplitMix64
{
public:
    explicit SplitMix64(std::uint64_t seed)
        : m_state(seed)
    {
    }
    std::uint64_t next()
    {
        m_state += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// In [-1, 1), from the top 53 bits.
    double uniform() { return static_cast<double>(next() >> 11) / static_cast<double>(1ULL << 52) - 1.0; }

private:
    std::uint64_t m_state;
};

inline QString fileName(int index)
{
    return QStringLiteral("C%1-1h.csv").arg(index, 2, 10, QLatin1Char('0'));
}

/// Writes one file; false when it cannot be written.
inline bool writeAsset(const QString &path, int index, int bars)
{
    SplitMix64 own(20150101 + 7919 * static_cast<std::uint64_t>(index));
    // A common factor shared by all files (the earlier-starting ones used the
    // first draws), and the asset's own noise: assets drift apart, so a 5 pp
    // band breaks now and then.
    SplitMix64 factor(424242);
    for (int i = 0; i < index; ++i)
        factor.uniform();
    double price = 100.0 + 10.0 * index;
    std::string text = "timestamp,open,high,low,close,volume\n";
    text.reserve(static_cast<std::size_t>(bars) * 72);
    QDate day(2015, 1, 1);
    int hour = index;
    day = day.addDays(hour / 24);
    hour %= 24;
    std::string dayText = day.toString(Qt::ISODate).toStdString();
    char line[160];
    for (int t = 0; t < bars; ++t) {
        const double move = 0.004 * factor.uniform() + 0.006 * own.uniform();
        const double opened = price;
        price = price * std::exp(move);
        const double high = std::max(opened, price) * (1.0 + 0.002 * std::abs(own.uniform()));
        const double low = std::min(opened, price) * (1.0 - 0.002 * std::abs(own.uniform()));
        const double volume = 1000.0 + 500.0 * (own.uniform() + 1.0);
        const int n = std::snprintf(line, sizeof line, "%s %02d:00:00,%.8f,%.8f,%.8f,%.8f,%.2f\n", dayText.c_str(),
                                    hour, opened, high, low, price, volume);
        text.append(line, static_cast<std::size_t>(n));
        if (++hour == 24) {
            hour = 0;
            day = day.addDays(1);
            dayText = day.toString(Qt::ISODate).toStdString();
        }
    }
    QFile file(path);
    return file.open(QIODevice::WriteOnly)
        && file.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size());
}

/// Writes @p assets files of @p bars bars into @p dir; the paths, or none on failure.
inline QStringList writeFiles(const QString &dir, int assets, int bars)
{
    QDir().mkpath(dir);
    QStringList paths;
    for (int i = 0; i < assets; ++i) {
        const QString path = dir + QLatin1Char('/') + fileName(i);
        if (!writeAsset(path, i, bars))
            return {};
        paths << path;
    }
    return paths;
}

} // namespace ballast::benchfiles
