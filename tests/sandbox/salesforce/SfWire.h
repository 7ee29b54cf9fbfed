#pragma once

#include "salesforce/SalesforceSandbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace lb::test {

struct WireReply
{
    int status = 0; // 0 = no HTTP answer
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    bool finished = false;

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    bool hasHeader(const QByteArray &name) const { return headers.contains(name.toLower()); }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QJsonObject object() const { return json().object(); }
    QJsonArray array() const { return json().array(); }
    // errorCode of the first envelope-1 entry
    QString errorCode() const { return array().first().toObject().value(u"errorCode").toString(); }
    QString message() const { return array().first().toObject().value(u"message").toString(); }
};

// Talks HTTP to a SalesforceSandbox with a plain QNetworkAccessManager, as any client would.
class SfWire
{
public:
    explicit SfWire(sandbox::SalesforceSandbox &sandbox);

    WireReply send(const QByteArray &method, const QString &url, const QByteArray &body = {},
                   const QList<std::pair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 0);
    // url = instanceUrl + "/services/data/v62.0" + path, with the bearer token and JSON body.
    WireReply rest(const QByteArray &method, const QString &path, const QByteArray &body = {},
                   const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    WireReply rest(const QByteArray &method, const QString &path, const QJsonObject &body);
    WireReply form(const QString &url, const QList<std::pair<QString, QString>> &fields,
                   const QList<std::pair<QByteArray, QByteArray>> &headers = {});

    // Password flow with the default user; stores and returns the access token.
    QString login();
    QString token;

    QNetworkAccessManager &nam() { return m_nam; }

private:
    sandbox::SalesforceSandbox &m_sandbox;
    QNetworkAccessManager m_nam;
};

} // namespace lb::test
