#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace lb {

// A failure that can be shown to an admin: a stable machine code plus a sentence that says
// what went wrong and, where we know it, what to do about it.
struct Error
{
    QString code;
    QString message;
    int httpStatus = 0; // when the error came from an HTTP answer
    bool retryable = false; // a later attempt may succeed (network, 5xx, 429, lock, limits)
    qint64 retryAfterMs = -1; // how long the server asked us to wait (Retry-After), -1 = unsaid
    QJsonObject details = {}; // machine-readable extras, e.g. the current record of a conflict

    QString toString() const
    {
        return code.isEmpty() ? message : code + QStringLiteral(": ") + message;
    }
};

// Value-or-error return type (std::expected is C++23; GCC 12 does not ship it in C++20 mode).
template<typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_state(std::move(value))
    { }
    Result(Error error)
        : m_state(std::move(error))
    { }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template<> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    { }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

inline Error makeError(QString code, QString message)
{
    return Error {std::move(code), std::move(message)};
}

} // namespace lb
