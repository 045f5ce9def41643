#include "storage/candlewriter.h"

#include "storage/database.h"

#include <sqlite3.h>

namespace ballast::storage {

namespace {

// Parameters ?1..?4 are the series columns, shared by every row; row r uses
// 7 more from ?(5 + 7r): ts, open, high, low, close, volume, market_cap.
constexpr int kSeriesParameters = 4;
constexpr int kRowParameters = 7;

QByteArray insertSql(int rows)
{
    // Same columns as PriceStore::putCandles, so both paths store identical rows.
    QByteArray sql("INSERT INTO candles "
                   "(asset, quote, interval, ts, open, high, low, close, volume, source, market_cap) VALUES ");
    for (int row = 0; row < rows; ++row) {
        const int p = kSeriesParameters + 1 + row * kRowParameters;
        sql += (row ? ",(" : "(") + QByteArray("?1,?2,?3,");
        for (int i = 0; i < 6; ++i)
            sql += '?' + QByteArray::number(p + i) + ',';
        sql += "?4,?" + QByteArray::number(p + 6) + ')';
    }
    return sql + CandleWriter::kUpsertTail;
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
}

CandleWriter::~CandleWriter()
{
    sqlite3_finalize(m_batch);
    sqlite3_finalize(m_single);
}

sqlite3_stmt *CandleWriter::prepare(int rows)
{
    const QByteArray sql = insertSql(rows);
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(m_db.handle(), sql.constData(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr)
        != SQLITE_OK)
        m_db.fail("prepare candle insert");
    // sqlite3_reset() keeps bindings: the series columns are bound once here.
    const QByteArray *series[] = {&m_asset, &m_quote, &m_interval, &m_source};
    for (int i = 0; i < kSeriesParameters; ++i) {
        if (sqlite3_bind_text(statement, i + 1, series[i]->constData(), static_cast<int>(series[i]->size()),
                              SQLITE_STATIC)
            != SQLITE_OK) {
            sqlite3_finalize(statement);
            m_db.fail("bind candle series");
        }
    }
    return statement;
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

void CandleWriter::write(std::span<const domain::Candle> candles)
{
    std::size_t done = 0;
    if (candles.size() >= static_cast<std::size_t>(kBatchRows)) {
        if (!m_batch)
            m_batch = prepare(kBatchRows);
        for (; done + kBatchRows <= candles.size(); done += kBatchRows)
            run(m_batch, candles.subspan(done, kBatchRows));
    }
    if (done < candles.size() && !m_single)
        m_single = prepare(1);
    for (; done < candles.size(); ++done)
        run(m_single, candles.subspan(done, 1));
}

} // namespace ballast::storage
