#include "chain/evmchains.h"

namespace ballast::chain {

namespace {

// Where the addresses come from (read 2026-12; the EIP-55 checksum of each
// is checked by tst_evmchains, so a mistyped character fails the build's tests):
// - USDC: Circle's "USDC Contract Addresses" page
//   (developers.circle.com/stablecoins/usdc-contract-addresses); on BNB Smart
//   Chain Circle issues no USDC: the token there is Binance-Peg USD Coin,
//   with 18 decimals, as its BscScan page and Binance say.
// - USDT: Tether's supported-protocols list (tether.to) for Ethereum,
//   Arbitrum (now USDT0 at the same address), OP Mainnet and Polygon; on BNB
//   Smart Chain the common "USDT" is Binance-Peg BSC-USD with 18 decimals. Base
//   has no Tether-issued USDT, so none is listed there.
// - WETH, WBTC, DAI: the bridges' and the chains' token lists (Arbitrum's and
//   Optimism's standard bridge token lists, Polygon's PoS bridge, Base's
//   predeploy 0x4200...0006 for WETH, MakerDAO's DAI deployments), matched
//   against the cross-chain tables of wallet and bridge documentation. Base
//   and BNB Smart Chain have no WBTC from BitGo, so none is listed; on BNB Smart
//   Chain the bridged ETH token (Binance-Peg Ethereum, symbol ETH) stands for
//   WETH and is listed as ETH.
QList<EvmChain> buildChains()
{
    const auto t = [](const char *symbol, const char *contract, int decimals) {
        return EvmToken{QString::fromLatin1(symbol), QString::fromLatin1(contract), decimals};
    };
    return {
        {1,
         QStringLiteral("ethereum"),
         QStringLiteral("Ethereum"),
         QStringLiteral("ETH"),
         {t("USDC", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 6),
          t("USDT", "0xdAC17F958D2ee523a2206206994597C13D831ec7", 6),
          t("WETH", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", 18),
          t("WBTC", "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599", 8),
          t("DAI", "0x6B175474E89094C44Da98b954EedeAC495271d0F", 18)},
         // PublicNode's free endpoint: no key, no sign-up; the only chain
         // given a default (for the others the person names a node).
         QStringLiteral("https://ethereum-rpc.publicnode.com")},
        {42161,
         QStringLiteral("arbitrum"),
         QStringLiteral("Arbitrum One"),
         QStringLiteral("ETH"),
         {t("USDC", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", 6),
          t("USDT", "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9", 6),
          t("WETH", "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1", 18),
          t("WBTC", "0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f", 8),
          t("DAI", "0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1", 18)},
         QString()},
        {8453,
         QStringLiteral("base"),
         QStringLiteral("Base"),
         QStringLiteral("ETH"),
         {t("USDC", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 6),
          t("WETH", "0x4200000000000000000000000000000000000006", 18),
          t("DAI", "0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb", 18)},
         QString()},
        {10,
         QStringLiteral("optimism"),
         QStringLiteral("OP Mainnet"),
         QStringLiteral("ETH"),
         {t("USDC", "0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85", 6),
          t("USDT", "0x94b008aA00579c1307B0EF2c499aD98a8ce58e58", 6),
          t("WETH", "0x4200000000000000000000000000000000000006", 18),
          t("WBTC", "0x68f180fcCe6836688e9084f035309E29Bf0A2095", 8),
          t("DAI", "0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1", 18)},
         QString()},
        // Polygon's gas token became POL in September 2024 (MATIC migrated one
        // to one); the native balance is POL, as Polygon's own docs name it.
        {137,
         QStringLiteral("polygon"),
         QStringLiteral("Polygon PoS"),
         QStringLiteral("POL"),
         {t("USDC", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 6),
          t("USDT", "0xc2132D05D31c914a87C6611C10748AEb04B58e8F", 6),
          t("WETH", "0x7ceB23fD6bC0adD59E62ac25578270cFf1b9f619", 18),
          t("WBTC", "0x1BFD67037B42Cf73acF2047067bd4F2C47D9BfD6", 8),
          t("DAI", "0x8f3Cf7ad23Cd3CaDbD9735AFf958023239c6A063", 18)},
         QString()},
        {56,
         QStringLiteral("bsc"),
         QStringLiteral("BNB Smart Chain"),
         QStringLiteral("BNB"),
         {t("USDC", "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", 18),
          t("USDT", "0x55d398326f99059fF775485246999027B3197955", 18),
          t("ETH", "0x2170Ed0880ac9A755fd29B2688956BD959F933F8", 18),
          t("DAI", "0x1AF3F329e8BE154074D8769D1FFa4eE058B1DBc3", 18)},
         QString()},
    };
}

} // namespace

const QList<EvmChain> &evmChains()
{
    static const QList<EvmChain> chains = buildChains();
    return chains;
}

QStringList defaultEvmChainKeys()
{
    QStringList keys;
    for (const EvmChain &chain : evmChains()) {
        if (!chain.defaultRpcUrl.isEmpty())
            keys.append(chain.key);
    }
    return keys;
}

const EvmChain *evmChainById(std::uint64_t chainId)
{
    for (const EvmChain &chain : evmChains()) {
        if (chain.chainId == chainId)
            return &chain;
    }
    return nullptr;
}

const EvmChain *evmChainByKey(QStringView key)
{
    for (const EvmChain &chain : evmChains()) {
        if (chain.key.compare(key, Qt::CaseInsensitive) == 0)
            return &chain;
    }
    return nullptr;
}

QString evmChainLabel(std::uint64_t chainId)
{
    if (const EvmChain *chain = evmChainById(chainId))
        return QStringLiteral("%1 (%2)").arg(chain->name).arg(chainId);
    return QStringLiteral("chain %1").arg(chainId);
}

} // namespace ballast::chain
