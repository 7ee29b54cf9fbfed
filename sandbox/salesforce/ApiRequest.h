#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace lb::sandbox {

// An HTTP request as the sandbox's resources see it: independent of the server, so Composite
// can run its subrequests through the same code.
struct ApiRequest
{
    QByteArray method; // upper case
    QString path; // decoded, without the query
    QStringList segments; // the path split on '/', each segment decoded (no empty ones)
    QList<std::pair<QString, QString>> query; // decoded, '+' read as a space
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    bool internal = false; // a Composite subrequest: not counted, not faulted

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    bool hasQuery(const QString &name) const;
    QString queryValue(const QString &name) const;

    // Builds path, segments and query from the request target as sent ("/a/b%20c?x=1").
    void setTarget(QByteArrayView target);
    static QList<std::pair<QString, QString>> parseQuery(QByteArrayView encoded);
    static QString decodeComponent(QByteArrayView encoded, bool plusIsSpace);
};

} // namespace lb::sandbox
