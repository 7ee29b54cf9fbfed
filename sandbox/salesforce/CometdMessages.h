#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace lb::sandbox::cometd {

// The Bayeux envelope: a JSON array of messages with the HTTP status.
ApiResponse bayeux(int status, const QJsonArray &messages);
// The reply to one message: its channel, id and clientId, and whether it succeeded.
QJsonObject reply(const QJsonObject &message, bool successful);
QJsonObject failure(const QJsonObject &message, const QString &error);
// "403::Unknown client", advising a new handshake.
QJsonObject unknownClient(const QJsonObject &message);
// The answer to any message of a request without a valid session.
QJsonObject handshakeDenied(const QJsonObject &message);
QString cookie(const ApiRequest &request, QByteArrayView name);
QString randomId(int length);

// A Streaming API request read as Salesforce reads it: the version in the URI, the method,
// the size and the JSON body (one message or an array of them) are checked in that order, and
// the first that is wrong answers the whole request.
struct BayeuxRequest
{
    QJsonArray messages;
    std::optional<ApiResponse> refusal;
};
BayeuxRequest readBayeuxRequest(const ApiRequest &request, int maxApiVersion,
                                qsizetype maxBodyBytes);

} // namespace lb::sandbox::cometd
