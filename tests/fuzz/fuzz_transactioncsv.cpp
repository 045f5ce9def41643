// Transaction exports of the exchanges (core/imports): the Binance, Kraken and
// Coinbase CSV layouts, format detection, and any CSV read through a JSON
// column mapping with its preview. The first byte picks the reader; for the
// mapping the rest is "MAPPING JSON", a NUL byte, then the CSV.
#include "fuzzcheck.h"
#include "imports/columnmapping.h"
#include "imports/transactioncsv.h"

#include <cstddef>
#include <cstdint>

using namespace ballast;

namespace {

const QString kFile = QStringLiteral("fuzz.csv");

// What every accepted file must give: well-formed transactions from an import,
// for the caller's account, and the same ones when read again.
void checkAccepted(const Result<imports::ParsedTransactions> &first, const Result<imports::ParsedTransactions> &second)
{
    FUZZ_CHECK(second.ok());
    FUZZ_CHECK(first->transactions == second->transactions);
    for (domain::Transaction tx : first->transactions) {
        FUZZ_CHECK(tx.source == domain::TransactionSource::Import);
        FUZZ_CHECK(tx.accountId == 0);
        FUZZ_CHECK(tx.time.isValid());
        tx.accountId = 1;
        FUZZ_CHECK(domain::validate(tx).ok());
    }
}

void checkRefused(const Result<imports::ParsedTransactions> &result)
{
    FUZZ_CHECK(!result.error().message.isEmpty());
    FUZZ_CHECK(result.error().message.contains(kFile));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const int mode = data[0] % 8;
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), static_cast<qsizetype>(size - 1));
    if (mode < 5) {
        const auto format = static_cast<imports::CsvFormat>(mode);
        const auto first = imports::parse(format, bytes, kFile);
        if (first.ok())
            checkAccepted(first, imports::parse(format, bytes, kFile));
        else
            checkRefused(first);
        return 0;
    }
    if (mode < 7) {
        const QString family = mode == 5 ? QString() : QStringLiteral("binance");
        const auto first = imports::parseDetected(bytes, kFile, family);
        if (first.ok())
            checkAccepted(first, imports::parseDetected(bytes, kFile, family));
        else
            checkRefused(first);
        return 0;
    }
    const qsizetype split = bytes.indexOf('\0');
    if (split < 0)
        return 0;
    const auto mapping = imports::parseMapping(QByteArrayView(bytes).first(split), QStringLiteral("mapping.json"));
    if (!mapping) {
        FUZZ_CHECK(!mapping.error().message.isEmpty());
        return 0;
    }
    const QByteArrayView csv = QByteArrayView(bytes).sliced(split + 1);
    const auto first = imports::parseMapped(*mapping, csv, kFile);
    if (first.ok())
        checkAccepted(first, imports::parseMapped(*mapping, csv, kFile));
    else
        checkRefused(first);
    const imports::MappingPreview preview = imports::previewMapped(*mapping, csv, kFile, 5);
    FUZZ_CHECK(preview.rows.size() <= 5);
    for (const imports::PreviewRow &row : preview.rows)
        FUZZ_CHECK(row.transaction.has_value() != !row.error.isEmpty());
    return 0;
}
