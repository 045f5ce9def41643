#pragma once

#include <QString>

namespace ballast::market {

/// The CSV layouts the price importer recognises, told apart by the content
/// (URL line, header names, column count), never by the file name.
enum class CsvLayout {
    Unknown,
    CryptoDataDownload, ///< optional URL line, `Unix,Date,Symbol,Open,...`, newest first
    BinanceKline, ///< Binance public-data kline: 12 columns, header optional
    Yahoo, ///< `Date,Open,High,Low,Close,Adj Close,Volume`, `null` rows
    CoinGecko, ///< `snapped_at,price,market_cap,total_volume`
    PlainOhlcv, ///< `timestamp,open,high,low,close,volume`
    Generic, ///< any header with a date/time column and a close/price column
};

/// A short human name, e.g. "Yahoo Finance".
inline QString csvLayoutName(CsvLayout layout)
{
    switch (layout) {
    case CsvLayout::CryptoDataDownload:
        return QStringLiteral("CryptoDataDownload");
    case CsvLayout::BinanceKline:
        return QStringLiteral("Binance kline");
    case CsvLayout::Yahoo:
        return QStringLiteral("Yahoo Finance");
    case CsvLayout::CoinGecko:
        return QStringLiteral("CoinGecko");
    case CsvLayout::PlainOhlcv:
        return QStringLiteral("plain OHLCV");
    case CsvLayout::Generic:
        return QStringLiteral("generic date/close");
    case CsvLayout::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace ballast::market
