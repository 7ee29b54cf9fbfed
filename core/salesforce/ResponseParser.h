#pragma once

#include "SalesforceTypes.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonArray>

namespace lb::salesforce {

// Turns successful REST answers into SalesforceClient's value types. Each function checks the
// shape it needs and reports "unexpected_response" (permanent) when the body is not it.
class ResponseParser
{
public:
    // Collections / SaveResult arrays: [{"id","success","errors":[...],"created"?}, ...].
    // `expected` >= 0 also checks the count (results map to records by position).
    static Result<QList<RecordResult>> recordResults(const QByteArray &body, qsizetype expected);
    static Result<QList<RecordResult>> recordResults(const QJsonValue &value, qsizetype expected);
    static RecordResult recordResult(const QJsonObject &object);
    static Result<QueryPage> queryPage(const QByteArray &body);
    // {"compositeResponse":[...]}, ordered like `referenceIds` (matched by referenceId).
    static Result<QList<CompositeSubresponse>> compositeResponse(const QByteArray &body,
                                                                 const QStringList &referenceIds);
    static Result<QJsonObject> object(const QByteArray &body);
    static Result<QJsonArray> array(const QByteArray &body);

    static Error unexpected(const QString &what, int httpStatus = 0);
};

} // namespace lb::salesforce
