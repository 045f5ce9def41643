#pragma once

#include "common/result.h"

#include <QString>

namespace ballast::exchange {

/// One error hierarchy for every connector (shaped like CCXT's), keeping the
/// exchange's own code and message so nothing is lost in translation.
struct ExchangeError
{
    enum class Kind {
        Authentication, ///< bad key, signature, permissions
        InsufficientFunds, ///< balance too low for the order
        InvalidOrder, ///< a filter or parameter failed; see `filter`
        OrderNotFound, ///< no such order (yet)
        DuplicateOrder, ///< client order id already used by an open order
        BadSymbol, ///< unknown or inactive market
        RateLimited, ///< back off; see retryAfterMs
        Network, ///< the request did not reach the exchange; safe to retry reads
        InvalidNonce, ///< timestamp or nonce refused: the request was not processed
        UnknownOutcome, ///< the request may or may not have executed
        Exchange, ///< any other refusal by the exchange
    };

    Kind kind = Kind::Exchange;
    QString exchangeCode; ///< e.g. "-1013", "EOrder:Insufficient funds"
    QString exchangeMessage; ///< the exchange's own words
    QString filter; ///< failed filter for InvalidOrder, e.g. "LOT_SIZE"
    qint64 retryAfterMs = 0; ///< for RateLimited

    /// One line for a person: kind, the exchange's code and message.
    [[nodiscard]] QString message() const;
    [[nodiscard]] Error toError() const { return Error{kindName(kind), message()}; }
    static QString kindName(Kind kind);
};

template<typename T>
using ExResult = Result<T, ExchangeError>;

} // namespace ballast::exchange
