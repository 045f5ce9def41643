#include "storage/candlewriter.h"

#include "storage/database.h"

#include <QDir>

#include <algorithm>
#include <sqlite3.h>

namespace ballast::storage {

namespace {

// Parameters ?1..?4 are the series columns, shared by every row; row r uses
// 7 more from ?(5 + 7r): ts, open, high, low, close, volume, market_cap.
constexpr int kSeriesParameters = 4;
constexpr int kRowParameters = 7;

QByteArray insertSql(const char *verb, int rows, const char *tail)
{
    // Same columns as PriceStore::putCandles, so both paths store identical rows.
    QByteArray sql(verb);
    sql += " INTO candles (asset, quote, interval, ts, open, high, low, close, volume, source, market_cap) VALUES ";
    for (int row = 0; row < rows; ++row) {
        const int p = kSeriesParameters + 1 + row * kRowParameters;
        sql += (row ? ",(" : "(") + QByteArray("?1,?2,?3,");
        for (int i = 0; i < 6; ++i)
            sql += '?' + QByteArray::number(p + i) + ',';
        sql += "?4,?" + QByteArray::number(p + 6) + ')';
    }
    return sql + tail;
}

} // namespace

CandleWriter::CandleWriter(Database &db, const QString &asset, const QString &quote, const QString &interval,
                           const QString &source)
    : m_db(db)
    , m_asset(asset.toUtf8())
    , m_quote(quote.toUtf8())
    , m_interval(interval.toUtf8())
    , m_source(source.toUtf8())
{
    // The OR FAIL inserts leave a failed statement's earlier rows in place:
    // only a transaction the caller rolls back makes that all-or-nothing.
    if (!m_db.inTransaction()) {
        throw SqlError(
            QStringLiteral("storage.no_transaction"),
            QStringLiteral("%1: candles written outside a transaction").arg(QDir::toNativeSeparators(m_db.path())));
    }
}

CandleWriter::~CandleWriter()
{
    for (auto &statements : m_statements) {
        for (sqlite3_stmt *statement : statements)
            sqlite3_finalize(statement);
    }
    sqlite3_finalize(m_probe);
}

sqlite3_stmt *CandleWriter::prepare(const QByteArray &sql, int seriesParameters, const char *what)
{
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(m_db.handle(), sql.constData(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr)
        != SQLITE_OK)
        m_db.fail(what);
    // sqlite3_reset() keeps bindings: the series columns are bound once here.
    const QByteArray *series[] = {&m_asset, &m_quote, &m_interval, &m_source};
    for (int i = 0; i < seriesParameters; ++i) {
        if (sqlite3_bind_text(statement, i + 1, series[i]->constData(), static_cast<int>(series[i]->size()),
                              SQLITE_STATIC)
            != SQLITE_OK) {
            sqlite3_finalize(statement);
            m_db.fail("bind candle series");
        }
    }
    return statement;
}

sqlite3_stmt *CandleWriter::statement(Mode mode, int rows)
{
    sqlite3_stmt *&statement = m_statements[mode][rows == 1 ? 1 : 0];
    if (!statement) {
        statement =
            prepare(mode == Insert ? insertSql("INSERT OR FAIL", rows, "") : insertSql("INSERT", rows, kUpsertTail),
                    kSeriesParameters, "prepare candle insert");
    }
    return statement;
}

bool CandleWriter::anyStored(std::span<const domain::Candle> candles)
{
    if (!m_probe) {
        m_probe = prepare("SELECT 1 FROM candles WHERE asset = ?1 AND quote = ?2 AND interval = ?3 "
                          "AND ts BETWEEN ?4 AND ?5 LIMIT 1",
                          3, "prepare stored-candle lookup");
    }
    const auto [first, last] =
        std::minmax_element(candles.begin(), candles.end(), [](const domain::Candle &a, const domain::Candle &b) {
            return a.openTimeMs < b.openTimeMs;
        });
    sqlite3_bind_int64(m_probe, 4, first->openTimeMs);
    sqlite3_bind_int64(m_probe, 5, last->openTimeMs);
    const int rc = sqlite3_step(m_probe);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        m_db.fail("look up stored candles");
    sqlite3_reset(m_probe);
    return rc == SQLITE_ROW;
}

void CandleWriter::run(sqlite3_stmt *statement, std::span<const domain::Candle> candles)
{
    int p = kSeriesParameters + 1;
    for (const domain::Candle &candle : candles) {
        sqlite3_bind_int64(statement, p, candle.openTimeMs);
        sqlite3_bind_double(statement, p + 1, candle.open);
        sqlite3_bind_double(statement, p + 2, candle.high);
        sqlite3_bind_double(statement, p + 3, candle.low);
        sqlite3_bind_double(statement, p + 4, candle.close);
        sqlite3_bind_double(statement, p + 5, candle.volume);
        sqlite3_bind_double(statement, p + 6, candle.marketCap);
        p += kRowParameters;
    }
    if (sqlite3_step(statement) != SQLITE_DONE)
        m_db.fail("insert candles"); // before the reset, which would clear the message
    sqlite3_reset(statement);
    m_written += static_cast<qint64>(candles.size());
}

void CandleWriter::writePart(Mode mode, std::span<const domain::Candle> candles)
{
    std::size_t done = 0;
    for (; done + kBatchRows <= candles.size(); done += kBatchRows)
        run(statement(mode, kBatchRows), candles.subspan(done, kBatchRows));
    for (; done < candles.size(); ++done)
        run(statement(mode, 1), candles.subspan(done, 1));
    if (mode == Insert)
        m_inserted += static_cast<qint64>(candles.size());
}

void CandleWriter::write(std::span<const domain::Candle> candles)
{
    for (std::size_t done = 0; done < candles.size(); done += kProbeRows) {
        const auto part = candles.subspan(done, std::min(kProbeRows, candles.size() - done));
        writePart(anyStored(part) ? Upsert : Insert, part);
    }
}

} // namespace ballast::storage
