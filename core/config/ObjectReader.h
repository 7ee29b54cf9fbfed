#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <QUrl>

#include <optional>

// Shared by the profile's sections (Profile.cpp, DestinationConfig.cpp), so every section
// reports errors the same way: the file, the JSON path and what is wrong.
namespace lb::config {

// Reads one JSON object and remembers which keys were consumed, so that unknown keys (usually
// typos) are reported with their JSON path instead of being silently ignored.
class ObjectReader
{
public:
    ObjectReader(const QJsonObject &object, QString path, QString file)
        : m_object(object)
        , m_path(std::move(path))
        , m_file(std::move(file))
    { }

    Error error(const QString &key, const QString &what) const
    {
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("%1: %2.%3 %4").arg(m_file, m_path, key, what));
    }

    std::optional<Error> string(const QString &key, QString &out, bool required = false)
    {
        m_seen.insert(key);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return required ? std::optional(error(key, QStringLiteral("is required")))
                            : std::nullopt;
        if (!v.isString())
            return error(key, QStringLiteral("must be a string"));
        out = v.toString();
        return std::nullopt;
    }

    std::optional<Error> url(const QString &key, QUrl &out, bool required = false)
    {
        QString text;
        if (auto e = string(key, text, required))
            return e;
        if (text.isEmpty())
            return std::nullopt;
        const QUrl parsed(text, QUrl::StrictMode);
        if (!parsed.isValid() || parsed.host().isEmpty()
            || (parsed.scheme() != QLatin1String("https")
                && parsed.scheme() != QLatin1String("http")))
            return error(key, QStringLiteral("must be an http(s) URL (got \"%1\")").arg(text));
        out = parsed;
        return std::nullopt;
    }

    template<typename Number>
    std::optional<Error> number(const QString &key, Number &out, double min, double max)
    {
        m_seen.insert(key);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isDouble())
            return error(key, QStringLiteral("must be a number"));
        const double d = v.toDouble();
        if (d < min || d > max)
            return error(
                key, QStringLiteral("must be between %1 and %2 (got %3)").arg(min).arg(max).arg(d));
        if constexpr (std::is_integral_v<Number>) {
            if (d != double(qint64(d)))
                return error(key, QStringLiteral("must be a whole number"));
        }
        out = Number(d);
        return std::nullopt;
    }

    std::optional<Error> object(const QString &key, QJsonObject &out)
    {
        m_seen.insert(key);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isObject())
            return error(key, QStringLiteral("must be an object"));
        out = v.toObject();
        return std::nullopt;
    }

    std::optional<Error> stringList(const QString &key, QStringList &out)
    {
        m_seen.insert(key);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isArray())
            return error(key, QStringLiteral("must be an array of strings"));
        out.clear();
        for (const QJsonValue &item : v.toArray()) {
            if (!item.isString())
                return error(key, QStringLiteral("must be an array of strings"));
            out.append(item.toString());
        }
        return std::nullopt;
    }

    std::optional<Error> array(const QString &key, QJsonArray &out)
    {
        m_seen.insert(key);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isArray())
            return error(key, QStringLiteral("must be an array"));
        out = v.toArray();
        return std::nullopt;
    }

    std::optional<Error> boolean(const QString &key, bool &out)
    {
        m_seen.insert(key);
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isBool())
            return error(key, QStringLiteral("must be true or false"));
        out = v.toBool();
        return std::nullopt;
    }

    // The value as it is (undefined when absent), for sections with their own grammar.
    QJsonValue raw(const QString &key)
    {
        m_seen.insert(key);
        return m_object.value(key);
    }

    const QString &file() const { return m_file; }

    std::optional<Error> unknownKeys() const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (!m_seen.contains(it.key()))
                return makeError(
                    QStringLiteral("profile"),
                    QStringLiteral("%1: unknown key %2.%3").arg(m_file, m_path, it.key()));
        }
        return std::nullopt;
    }

    const QString &path() const { return m_path; }

private:
    QJsonObject m_object;
    QString m_path;
    QString m_file;
    QSet<QString> m_seen;
};

#define LB_TRY(expr)                                                                               \
    if (auto lbErr = (expr))                                                                       \
        return *lbErr;

} // namespace lb::config
