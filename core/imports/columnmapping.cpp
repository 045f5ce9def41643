#include "imports/columnmapping.h"

#include "common/numberparse.h"
#include "imports/exchangecsv.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QTimeZone>

namespace ballast::imports {

using domain::Side;
using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

const QStringList &topKeys()
{
    static const QStringList keys = {QStringLiteral("format"),    QStringLiteral("columns"),
                                     QStringLiteral("time"),      QStringLiteral("kinds"),
                                     QStringLiteral("defaults"),  QStringLiteral("decimalComma"),
                                     QStringLiteral("skipLines"), QStringLiteral("description")};
    return keys;
}

Error mappingError(const QString &file, const QString &what)
{
    return makeError(QStringLiteral("import.mapping"),
                     QStringLiteral("%1: %2").arg(file.isEmpty() ? QStringLiteral("(mapping)") : file, what));
}

std::optional<QTimeZone> zoneFrom(const QString &text)
{
    if (text.isEmpty() || text.compare(QLatin1StringView("UTC"), Qt::CaseInsensitive) == 0)
        return QTimeZone::utc();
    static const QRegularExpression offset(QStringLiteral(R"(^([+-])(\d{2}):?(\d{2})$)"));
    if (const auto m = offset.match(text); m.hasMatch()) {
        const int seconds = (m.captured(2).toInt() * 60 + m.captured(3).toInt()) * 60;
        return QTimeZone(m.captured(1) == QLatin1StringView("-") ? -seconds : seconds);
    }
    QTimeZone zone(text.toUtf8());
    if (!zone.isValid())
        return std::nullopt;
    return zone;
}

struct KindTarget
{
    TransactionKind kind = TransactionKind::Deposit;
    Side side = Side::Buy;
    QString subkind;
    bool flow = false; ///< by the quantity's sign
    bool needsSide = false; ///< "trade": the side column says buy or sell
};

std::optional<KindTarget> kindTarget(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    if (lower == QLatin1StringView("buy") || lower == QLatin1StringView("trade:buy"))
        return KindTarget{TransactionKind::Trade, Side::Buy, {}, false};
    if (lower == QLatin1StringView("sell") || lower == QLatin1StringView("trade:sell"))
        return KindTarget{TransactionKind::Trade, Side::Sell, {}, false};
    if (lower == QLatin1StringView("flow"))
        return KindTarget{TransactionKind::Deposit, Side::Buy, {}, true};
    if (lower.startsWith(QLatin1StringView("income:")))
        return KindTarget{TransactionKind::Income, Side::Buy, lower.mid(7), false};
    if (lower == QLatin1StringView("trade"))
        return KindTarget{TransactionKind::Trade, Side::Buy, {}, false, true};
    const auto kind = domain::kindFromName(lower);
    if (!kind)
        return std::nullopt;
    return KindTarget{*kind, Side::Buy, {}, false};
}

/// A mapping checked against a file's header: column indexes resolved.
struct Resolved
{
    QHash<QString, int> index;
    QHash<QString, KindTarget> kinds; ///< lower-case cell value -> target
    std::optional<KindTarget> defaultKind;
    QTimeZone zone;

    int col(const char *field) const { return index.value(QString::fromLatin1(field), -1); }
};

Result<Resolved> resolve(const ColumnMapping &mapping, const CsvFile &table)
{
    Resolved r;
    for (auto it = mapping.columns.cbegin(); it != mapping.columns.cend(); ++it) {
        const int c = table.column(it.value());
        if (c < 0) {
            return table.fileError(QStringLiteral("import.header"),
                                   QStringLiteral("the mapping reads %1 from column \"%2\", which line %3 does not "
                                                  "have; its columns are %4")
                                       .arg(it.key(), it.value())
                                       .arg(table.headerLine())
                                       .arg(CsvFile::listed(table.header())));
        }
        r.index.insert(it.key(), c);
    }
    // A mapping built in code (the GUI's dialog) has not been through
    // parseMapping(): its kinds are checked here too.
    for (auto it = mapping.kinds.cbegin(); it != mapping.kinds.cend(); ++it) {
        const auto target = kindTarget(it.value());
        if (!target) {
            return table.fileError(QStringLiteral("import.mapping"),
                                   QStringLiteral("the mapping's kind \"%1\" for \"%2\" is not a kind; expected %3")
                                       .arg(it.value(), it.key(), CsvFile::listed(ColumnMapping::kindNames())));
        }
        r.kinds.insert(it.key().trimmed().toLower(), *target);
    }
    if (!mapping.defaultKind.isEmpty()) {
        r.defaultKind = kindTarget(mapping.defaultKind);
        if (!r.defaultKind) {
            return table.fileError(
                QStringLiteral("import.mapping"),
                QStringLiteral("the mapping's default kind \"%1\" is not a kind").arg(mapping.defaultKind));
        }
    }
    r.zone = zoneFrom(mapping.timeZone).value_or(QTimeZone::utc());
    return r;
}

QString decimalText(const ColumnMapping &mapping, const QString &text)
{
    if (!mapping.decimalComma)
        return text;
    if (text.contains(QLatin1Char('.')))
        return text; // refused by the number parser below: "1.234,5" is ambiguous
    QString out = text;
    out.replace(QLatin1Char(','), QLatin1Char('.'));
    return out;
}

Result<Decimal> mappedAmount(const ColumnMapping &mapping, const CsvFile &table, const CsvRow &row, int column,
                             bool emptyIsZero)
{
    CsvRow copy = row;
    if (column >= 0 && column < copy.cells.size())
        copy.cells[column] = decimalText(mapping, copy.cells[column]);
    auto value = table.amount(copy, column, emptyIsZero);
    if (!value && copy.cells.value(column) != row.cells.value(column))
        return table.cellError(row, column, QStringLiteral("is not a number with a decimal comma"));
    return value;
}

Result<QDateTime> mappedTime(const ColumnMapping &mapping, const Resolved &r, const CsvFile &table, const CsvRow &row)
{
    const int column = r.col("time");
    const QString text = CsvFile::cell(row, column);
    const QString format = mapping.timeFormat;
    if (format.isEmpty() || format == QLatin1StringView("auto"))
        return table.time(row, column);
    if (format == QLatin1StringView("unix") || format == QLatin1StringView("unix_ms")) {
        const auto n = numbers::parseInteger(text, table.where(row, column), 0);
        if (!n)
            return table.fileError(n.error().code, n.error().message);
        const qint64 ms = format == QLatin1StringView("unix") ? *n * 1000 : *n;
        return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    }
    QDateTime time = QDateTime::fromString(text, format);
    if (!time.isValid())
        return table.cellError(row, column, QStringLiteral("does not have the time format \"%1\"").arg(format));
    time.setTimeZone(r.zone);
    return time.toUTC();
}

Result<Transaction> mapRow(const ColumnMapping &mapping, const Resolved &r, const CsvFile &table, const CsvRow &row,
                           QHash<QString, int> &seen)
{
    std::optional<KindTarget> target;
    const int cKind = r.col("kind");
    const QString kindCell = CsvFile::cell(row, cKind);
    if (cKind >= 0 && !kindCell.isEmpty()) {
        const auto it = r.kinds.constFind(kindCell.toLower());
        if (it == r.kinds.cend()) {
            QStringList known = mapping.kinds.keys();
            known.sort();
            return table.cellError(row, cKind,
                                   QStringLiteral("is not a kind the mapping knows (%1)").arg(CsvFile::listed(known)));
        }
        target = *it;
    } else {
        target = r.defaultKind;
    }
    if (!target) {
        return table.cellError(row, cKind, QStringLiteral("is empty and the mapping has no default kind"));
    }
    auto time = mappedTime(mapping, r, table, row);
    if (!time)
        return time.error();
    const int cAsset = r.col("asset");
    const QString asset = CsvFile::cell(row, cAsset).toUpper();
    if (asset.isEmpty())
        return table.cellError(row, cAsset, QStringLiteral("is empty; expected the asset"));
    auto qty = mappedAmount(mapping, table, row, r.col("quantity"), false);
    if (!qty)
        return qty.error();
    Transaction tx = detail::imported(target->kind, *time, asset, qty->abs());
    tx.side = target->side;
    tx.subkind = target->subkind;
    if (target->flow)
        tx.kind = qty->isNegative() ? TransactionKind::Withdrawal : TransactionKind::Deposit;
    if (tx.kind == TransactionKind::Adjustment)
        tx.quantity = *qty;
    if (const int cSide = r.col("side"); cSide >= 0 && tx.kind == TransactionKind::Trade) {
        const QString side = CsvFile::cell(row, cSide).toLower();
        if (side == QLatin1StringView("buy") || side == QLatin1StringView("b"))
            tx.side = Side::Buy;
        else if (side == QLatin1StringView("sell") || side == QLatin1StringView("s"))
            tx.side = Side::Sell;
        else if (!side.isEmpty() || target->needsSide)
            return table.cellError(row, cSide, QStringLiteral("is neither buy nor sell"));
    } else if (target->needsSide) {
        return table.cellError(row, cKind,
                               QStringLiteral("maps to \"trade\", which needs a side column (columns.side)"));
    }
    auto price = mappedAmount(mapping, table, row, r.col("price"), true);
    if (!price)
        return price.error();
    tx.price = price->abs();
    auto quoteAmount = mappedAmount(mapping, table, row, r.col("quoteAmount"), true);
    if (!quoteAmount)
        return quoteAmount.error();
    if (tx.kind == TransactionKind::Trade) {
        tx.quoteAmount = quoteAmount->abs();
        const QString quote = CsvFile::cell(row, r.col("quote")).toUpper();
        tx.quote = quote.isEmpty() ? mapping.defaultQuote.toUpper() : quote;
        if (tx.price.isZero())
            tx.price = detail::priceOf(tx.quoteAmount, tx.quantity);
    }
    auto fee = mappedAmount(mapping, table, row, r.col("fee"), true);
    if (!fee)
        return fee.error();
    tx.fee = fee->abs();
    if (!tx.fee.isZero()) {
        const QString feeAsset = CsvFile::cell(row, r.col("feeAsset")).toUpper();
        tx.feeAsset = !feeAsset.isEmpty()        ? feeAsset
            : !mapping.defaultFeeAsset.isEmpty() ? mapping.defaultFeeAsset.toUpper()
                                                 : (tx.kind == TransactionKind::Trade ? tx.quote : tx.asset);
    }
    tx.note = CsvFile::cell(row, r.col("note"));
    const QString id = CsvFile::cell(row, r.col("externalId"));
    // A trade's id is the exchange's trade id: keyed "BASE/QUOTE:id" as
    // executions and the exchange imports key theirs, so it is stored once.
    const bool tradeId = !id.isEmpty() && tx.kind == TransactionKind::Trade;
    tx.externalId = tradeId ? domain::tradeExternalId(tx.asset + QLatin1Char('/') + tx.quote, id)
        : !id.isEmpty()
        ? id
        : detail::stableId(QStringLiteral("csv:"), {detail::occurrence(seen, row.cells.join(QLatin1Char('|')))});
    if (auto shape = detail::checkShape(table, row, tx); !shape)
        return shape.error();
    return tx;
}

Result<CsvFile> readTable(const ColumnMapping &mapping, QByteArrayView bytes, const QString &fileName)
{
    int seen = 0;
    const int skip = mapping.skipLines;
    return CsvFile::read(
        bytes, fileName, [&seen, skip](const QStringList &) { return seen++ >= skip; }, skip);
}

} // namespace

QStringList ColumnMapping::fieldNames()
{
    return {QStringLiteral("time"),     QStringLiteral("kind"),        QStringLiteral("side"),
            QStringLiteral("asset"),    QStringLiteral("quantity"),    QStringLiteral("price"),
            QStringLiteral("quote"),    QStringLiteral("quoteAmount"), QStringLiteral("fee"),
            QStringLiteral("feeAsset"), QStringLiteral("externalId"),  QStringLiteral("note")};
}

QStringList ColumnMapping::kindNames()
{
    return {QStringLiteral("buy"),          QStringLiteral("sell"),       QStringLiteral("trade"),
            QStringLiteral("deposit"),      QStringLiteral("withdrawal"), QStringLiteral("transfer_in"),
            QStringLiteral("transfer_out"), QStringLiteral("income"),     QStringLiteral("income:SUBKIND"),
            QStringLiteral("fee"),          QStringLiteral("adjustment"), QStringLiteral("flow")};
}

Result<ColumnMapping> parseMapping(QByteArrayView json, const QString &fileName)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const auto line = json.first(std::min<qsizetype>(parseError.offset, json.size())).count('\n') + 1;
        return mappingError(fileName,
                            QStringLiteral("line %1: not valid JSON (%2)").arg(line).arg(parseError.errorString()));
    }
    if (!doc.isObject())
        return mappingError(fileName, QStringLiteral("a mapping is a JSON object"));
    const QJsonObject root = doc.object();
    for (const QString &key : root.keys()) {
        if (!topKeys().contains(key)) {
            return mappingError(fileName,
                                QStringLiteral("unknown key \"%1\"; expected %2").arg(key, CsvFile::listed(topKeys())));
        }
    }
    if (root.contains(QLatin1StringView("format"))
        && root.value(QLatin1StringView("format")).toString() != QLatin1StringView("ballast-csv-mapping/1")) {
        return mappingError(fileName, QStringLiteral("\"format\" must be \"ballast-csv-mapping/1\""));
    }
    ColumnMapping m;
    const QJsonObject columns = root.value(QLatin1StringView("columns")).toObject();
    const QStringList fields = ColumnMapping::fieldNames();
    for (auto it = columns.begin(); it != columns.end(); ++it) {
        if (!fields.contains(it.key())) {
            return mappingError(
                fileName,
                QStringLiteral("columns: unknown field \"%1\"; expected %2").arg(it.key(), CsvFile::listed(fields)));
        }
        if (!it.value().isString() || it.value().toString().trimmed().isEmpty())
            return mappingError(fileName, QStringLiteral("columns.%1: expected a column name").arg(it.key()));
        m.columns.insert(it.key(), it.value().toString());
    }
    for (const char *needed : {"time", "asset", "quantity"}) {
        if (!m.columns.contains(QString::fromLatin1(needed)))
            return mappingError(fileName, QStringLiteral("columns.%1 is missing").arg(QString::fromLatin1(needed)));
    }
    const QJsonObject time = root.value(QLatin1StringView("time")).toObject();
    for (const QString &key : time.keys()) {
        if (key != QLatin1StringView("format") && key != QLatin1StringView("zone"))
            return mappingError(fileName, QStringLiteral("time: unknown key \"%1\"; expected format, zone").arg(key));
    }
    m.timeFormat = time.value(QLatin1StringView("format")).toString(QStringLiteral("auto"));
    m.timeZone = time.value(QLatin1StringView("zone")).toString(QStringLiteral("UTC"));
    if (!zoneFrom(m.timeZone))
        return mappingError(fileName, QStringLiteral("time.zone \"%1\" is not a time zone").arg(m.timeZone));
    const bool isAuto = m.timeFormat == QLatin1StringView("auto");
    if (isAuto && zoneFrom(m.timeZone) != QTimeZone::utc()) {
        return mappingError(fileName,
                            QStringLiteral("time.zone needs a time.format: \"auto\" reads times as written "
                                           "(UTC when they name no zone)"));
    }
    const QJsonObject kinds = root.value(QLatin1StringView("kinds")).toObject();
    for (auto it = kinds.begin(); it != kinds.end(); ++it) {
        if (!kindTarget(it.value().toString())) {
            return mappingError(fileName,
                                QStringLiteral("kinds.%1: \"%2\" is not a kind; expected %3")
                                    .arg(it.key(), it.value().toString(), CsvFile::listed(ColumnMapping::kindNames())));
        }
        m.kinds.insert(it.key(), it.value().toString());
    }
    const QJsonObject defaults = root.value(QLatin1StringView("defaults")).toObject();
    for (auto it = defaults.begin(); it != defaults.end(); ++it) {
        const QString value = it.value().toString();
        if (it.key() == QLatin1StringView("kind")) {
            if (!kindTarget(value))
                return mappingError(fileName, QStringLiteral("defaults.kind: \"%1\" is not a kind").arg(value));
            m.defaultKind = value;
        } else if (it.key() == QLatin1StringView("quote")) {
            m.defaultQuote = value;
        } else if (it.key() == QLatin1StringView("feeAsset")) {
            m.defaultFeeAsset = value;
        } else {
            return mappingError(
                fileName, QStringLiteral("defaults: unknown key \"%1\"; expected kind, quote, feeAsset").arg(it.key()));
        }
    }
    if (!m.columns.contains(QStringLiteral("kind")) && m.defaultKind.isEmpty())
        return mappingError(fileName, QStringLiteral("needs columns.kind or defaults.kind"));
    m.decimalComma = root.value(QLatin1StringView("decimalComma")).toBool(false);
    const int skip = root.value(QLatin1StringView("skipLines")).toInt(0);
    if (skip < 0 || skip > 1000)
        return mappingError(fileName, QStringLiteral("skipLines must be from 0 to 1000"));
    m.skipLines = skip;
    return m;
}

Result<ParsedTransactions> parseMapped(const ColumnMapping &mapping, QByteArrayView bytes, const QString &fileName)
{
    const auto table = readTable(mapping, bytes, fileName);
    if (!table)
        return table.error();
    const auto resolved = resolve(mapping, *table);
    if (!resolved)
        return resolved.error();
    ParsedTransactions out;
    QHash<QString, int> seen;
    for (const CsvRow &row : table->rows()) {
        auto tx = mapRow(mapping, *resolved, *table, row, seen);
        if (!tx)
            return tx.error();
        out.transactions.append(*tx);
    }
    return out;
}

MappingPreview previewMapped(const ColumnMapping &mapping, QByteArrayView bytes, const QString &fileName, int maxRows)
{
    MappingPreview preview;
    const auto table = readTable(mapping, bytes, fileName);
    if (!table) {
        preview.fileError = table.error().message;
        return preview;
    }
    preview.header = table->header();
    const auto resolved = resolve(mapping, *table);
    if (!resolved) {
        preview.fileError = resolved.error().message;
        return preview;
    }
    QHash<QString, int> seen;
    for (const CsvRow &row : table->rows()) {
        if (preview.rows.size() >= maxRows)
            break;
        PreviewRow out;
        out.line = row.line;
        out.cells = row.cells;
        auto tx = mapRow(mapping, *resolved, *table, row, seen);
        if (tx) {
            out.transaction = *tx;
        } else {
            out.error = tx.error().message;
            ++preview.errorCount;
        }
        preview.rows.append(out);
    }
    return preview;
}

} // namespace ballast::imports
