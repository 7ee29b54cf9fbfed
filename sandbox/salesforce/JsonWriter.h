#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringView>

#include <vector>

namespace lb::sandbox {

// Compact JSON written in the order the caller chooses. QJsonObject sorts its keys, but
// Salesforce puts "attributes" first and the SELECT list in order; writing straight into a
// byte array is also several times faster than building a QJsonDocument for 2,000 records.
class JsonWriter
{
public:
    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(QStringView name);
    JsonWriter &key(QLatin1StringView name);

    JsonWriter &value(const QJsonValue &v);
    JsonWriter &value(QStringView text);
    JsonWriter &value(QLatin1StringView text);
    JsonWriter &value(bool b);
    JsonWriter &value(double d);
    JsonWriter &value(qint64 n);
    JsonWriter &value(int n) { return value(qint64(n)); }
    JsonWriter &null();
    // An already serialised JSON value.
    JsonWriter &raw(const QByteArray &json);

    const QByteArray &data() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

    // Salesforce writes every double with a fraction ("42.0").
    static void appendDouble(QByteArray &out, double d);
    static void appendString(QByteArray &out, QStringView text);

private:
    void separate();

    QByteArray m_out;
    std::vector<bool> m_hasItems;
    bool m_afterKey = false;
};

} // namespace lb::sandbox
