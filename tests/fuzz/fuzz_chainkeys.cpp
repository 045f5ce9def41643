// What a person pastes when adding a watch-only wallet (core/chain): extended
// public keys, Bitcoin / EVM / Solana addresses, bech32 strings, and the guard
// that refuses secrets; and what an Esplora server answers about an address.
// The input is read as UTF-8 text by every reader, and as the answer body.
#include "chain/addresses.h"
#include "chain/base58.h"
#include "chain/bech32.h"
#include "chain/bitcoinkeys.h"
#include "chain/esplora.h"
#include "fuzzcheck.h"

#include <cstddef>
#include <cstdint>

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
    return 0;
}
