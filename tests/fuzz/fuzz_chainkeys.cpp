// What a person pastes when adding a watch-only wallet (core/chain): extended
// public keys, Bitcoin / EVM / Solana addresses, bech32 strings, and the guard
// that refuses secrets; what an Esplora server answers about an address; and
// JSON-RPC answers of EVM and Solana endpoints (batches, hex amounts, token
// accounts). The input is read as UTF-8 text by every reader, and as the
// answer body.
#include "chain/addresses.h"
#include "chain/base58.h"
#include "chain/bech32.h"
#include "chain/bitcoinkeys.h"
#include "chain/esplora.h"
#include "chain/evmrpc.h"
#include "chain/jsonrpc.h"
#include "chain/solanarpc.h"
#include "fuzzcheck.h"

#include <cstddef>
#include <cstdint>
#include <utility>

using namespace ballast::chain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    if (auto key = ExtendedPublicKey::parse(text)) {
        // A key that reads writes back to the same text (less surrounding blanks).
        FUZZ_CHECK(key->toString() == text.trimmed());
        FUZZ_CHECK(key->publicKey().size() == 33);
        // Its first receive address is an address of its own network.
        if (auto address = key->address(0, 0))
            FUZZ_CHECK(parseBitcoinAddress(*address, key->network()).ok());
    }
    for (const BitcoinNetwork network : {BitcoinNetwork::Mainnet, BitcoinNetwork::Testnet})
        (void)parseBitcoinAddress(text, network);

    if (auto decoded = bech32::decode(text)) {
        // What decodes encodes back to the lower-case text.
        FUZZ_CHECK(bech32::encode(decoded->hrp, decoded->data, decoded->variant) == text.toLower());
    }
    if (auto bytes = base58::decode(text))
        FUZZ_CHECK(base58::encode(*bytes) == text);

    if (auto evm = parseEvmAddress(text)) {
        FUZZ_CHECK(evm->size() == 20);
        FUZZ_CHECK(parseEvmAddress(evmChecksumAddress(*evm)).ok());
    }
    if (auto solana = parseSolanaAddress(text))
        FUZZ_CHECK(solana->size() == 32);

    if (auto reason = secretReason(text))
        FUZZ_CHECK(!reason->isEmpty());

    const QByteArrayView body(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    if (auto activity = parseEsploraAddress(body, u"1A")) {
        FUZZ_CHECK(activity->confirmedSats >= 0);
        FUZZ_CHECK(activity->txCount >= 0);
    }

    // Hex amounts: exact and never negative; what reads at 0 decimals reads at
    // 18 as the same number of units.
    for (const int decimals : {0, 6, 18, 30}) {
        if (auto amount = parseHexAmount(text, decimals)) {
            FUZZ_CHECK(!amount->isNegative());
            if (decimals == 0) {
                auto wei = parseHexAmount(text, 18);
                FUZZ_CHECK(wei.ok() && wei->raw() * 1'000'000'000'000'000'000LL == amount->raw());
            }
        }
    }
    if (parseHexQuantity(text).ok())
        FUZZ_CHECK(text.startsWith(u"0x"));

    // A JSON-RPC answer to ids 1 and 2 (a batch) or 1 alone; each result read
    // as every kind of answer Ballast expects.
    for (const QList<qint64> &ids : {QList<qint64>{1}, QList<qint64>{1, 2}}) {
        auto replies = parseRpcResponse(body, ids);
        if (!replies)
            continue;
        FUZZ_CHECK(replies->size() == ids.size());
        for (const RpcReply &reply : std::as_const(*replies)) {
            FUZZ_CHECK(reply.failure.has_value() || !reply.result.isUndefined());
            if (auto lamports = parseSolanaBalance(reply.result))
                FUZZ_CHECK(!lamports->isNegative());
            if (auto accounts = parseTokenAccounts(reply.result, u"A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd")) {
                for (const SplTokenAccount &account : *accounts)
                    FUZZ_CHECK(!account.amount.isNegative() && account.decimals >= 0 && account.decimals <= 255);
            }
            if (reply.result.isString())
                (void)parseHexAmount(reply.result.toString(), 18);
        }
    }
    return 0;
}
