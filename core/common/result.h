#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace ballast {

/// An error that crosses a module or thread boundary as a value: a stable
/// machine-readable code plus a one-line message for a person.
struct Error
{
    QString code; ///< e.g. "decimal.overflow", "storage.constraint", "-1013"
    QString message; ///< one line, says what and where

    [[nodiscard]] QString toString() const { return message; }
};

/// A value or an error (C++20 has no std::expected yet). E is Error unless a
/// module needs a richer error (exchange::ExchangeError).
template<typename T, typename E = Error>
class [[nodiscard]] Result
{
public:
    Result(T value) // NOLINT(google-explicit-constructor): implicit by design
        : m_data(std::in_place_index<0>, std::move(value))
    {
    }
    Result(E error) // NOLINT(google-explicit-constructor)
        : m_data(std::in_place_index<1>, std::move(error))
    {
    }

    [[nodiscard]] bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    [[nodiscard]] const T &value() const & { return std::get<0>(m_data); }
    [[nodiscard]] T &value() & { return std::get<0>(m_data); }
    // By value on rvalues, so that `for (auto &x : *f())` does not dangle.
    [[nodiscard]] T value() && { return std::get<0>(std::move(m_data)); }
    [[nodiscard]] const T &operator*() const & { return value(); }
    [[nodiscard]] T &operator*() & { return value(); }
    [[nodiscard]] T operator*() && { return std::get<0>(std::move(m_data)); }
    [[nodiscard]] const T *operator->() const { return &value(); }
    [[nodiscard]] T *operator->() { return &value(); }

    [[nodiscard]] const E &error() const { return std::get<1>(m_data); }

    [[nodiscard]] T valueOr(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, E> m_data;
};

/// Result of an operation that produces no value.
template<typename E>
class [[nodiscard]] Result<void, E>
{
public:
    Result() = default;
    Result(E error) // NOLINT(google-explicit-constructor)
        : m_error(std::move(error))
        , m_failed(true)
    {
    }

    [[nodiscard]] bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const E &error() const { return m_error; }

private:
    E m_error;
    bool m_failed = false;
};

using Status = Result<void>;

inline Error makeError(QString code, QString message)
{
    return Error{std::move(code), std::move(message)};
}

} // namespace ballast
