// Stored vault files: vaultformat::parse, the reader of every byte Vault
// loads before it derives a key, and the decoder of a decrypted payload.
// A file ends in the SHA-256 of the rest, which random bytes never match, so
// the input is read twice: as a whole file, and as a file body to which the
// target appends its checksum.
#include "fuzzcheck.h"
#include "security/vaultformat.h"

#include <cstddef>
#include <cstdint>

namespace vaultformat = ballast::security::vaultformat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const QString path = QStringLiteral("/nonexistent/fuzz.vault");

    (void)vaultformat::parse(path, input);

    const QByteArray file = input + vaultformat::sha256(input);
    auto records = vaultformat::parse(path, file);
    if (records) {
        for (const auto &record : *records) {
            FUZZ_CHECK(vaultformat::acceptableParams(record.params));
            FUZZ_CHECK(record.salt.size() == vaultformat::kSaltSize);
            FUZZ_CHECK(record.nonce.size() == vaultformat::kNonceSize);
            FUZZ_CHECK(record.tag.size() == vaultformat::kTagSize);
        }
        // Written again, the records read back the same; a version-2 file is
        // written byte for byte as it was.
        const QByteArray written = vaultformat::serialize(*records);
        auto again = vaultformat::parse(path, written);
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(vaultformat::serialize(*again) == written);
        if (static_cast<quint8>(input.at(vaultformat::kMagic.size())) == vaultformat::kVersion)
            FUZZ_CHECK(written == file);
    }

    ballast::security::Credentials credentials;
    (void)vaultformat::decodeCredentials(input, credentials);
    return 0;
}
