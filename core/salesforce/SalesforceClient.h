#pragma once

#include "SalesforceSession.h"
#include "SalesforceTypes.h"
#include "model/ApiLimits.h"
#include "net/HttpClient.h"

#include <QJsonArray>
#include <QObject>

namespace lb::salesforce {

// Salesforce REST for the engine (reference sections 3-6, 9, 14): sObject rows, upsert by
// external id, SOQL with locator paging, sObject Collections, Composite carrying up to five
// Collections subrequests (1,000 records in one API call), /limits and platform events.
// Asynchronous only; every call goes through the HttpClient (allowlist, no TLS shortcuts) with
// `Sforce-Call-Options: client=<callOptionsClient>`; a 401 INVALID_SESSION_ID refreshes the
// session once and replays the request once. Every answer's Sforce-Limit-Info is reported.
class SalesforceClient : public QObject
{
    Q_OBJECT
public:
    template<typename T> using Callback = std::function<void(Result<T>)>;

    static constexpr int MaxCollection = 200;
    static constexpr int MaxCollectionsPerComposite = 5;

    SalesforceClient(HttpClient &http, SalesforceSession &session, SalesforceConfig config,
                     QObject *parent = nullptr);

    void authenticate(QObject *context, Callback<void> done);

    void create(const QString &sobject, const QJsonObject &fields, QObject *context,
                Callback<QString> done);
    void get(const QString &sobject, const QString &id, const QStringList &fields, QObject *context,
             Callback<QJsonObject> done);
    void update(const QString &sobject, const QString &id, const QJsonObject &fields,
                QObject *context, Callback<void> done);
    void remove(const QString &sobject, const QString &id, QObject *context, Callback<void> done);
    void upsert(const QString &sobject, const QString &extIdField, const QString &extId,
                const QJsonObject &fields, QObject *context, Callback<UpsertOutcome> done);

    void query(const QString &soql, QObject *context, Callback<QueryPage> done);
    void queryAll(const QString &soql, QObject *context, Callback<QueryPage> done);
    void queryMore(const QString &nextRecordsUrl, QObject *context, Callback<QueryPage> done);

    void createCollection(const QString &sobject, const QList<QJsonObject> &records, bool allOrNone,
                          QObject *context, Callback<QList<RecordResult>> done);
    void updateCollection(const QString &sobject, const QList<QJsonObject> &records, bool allOrNone,
                          QObject *context, Callback<QList<RecordResult>> done);
    void upsertCollection(const QString &sobject, const QString &extIdField,
                          const QList<QJsonObject> &records, bool allOrNone, QObject *context,
                          Callback<QList<RecordResult>> done);
    void deleteCollection(const QStringList &ids, bool allOrNone, QObject *context,
                          Callback<QList<RecordResult>> done);
    // Up to five Collections upserts of up to 200 records in one Composite request.
    void compositeUpsert(const QString &sobject, const QString &extIdField,
                         const QList<QList<QJsonObject>> &batches, QObject *context,
                         Callback<QList<QList<RecordResult>>> done);
    // Generic Composite: subrequests [{method, url, referenceId, body?}] -> compositeResponse.
    void composite(const QJsonArray &subrequests, bool allOrNone, QObject *context,
                   Callback<QJsonArray> done);

    void limits(QObject *context, Callback<ApiLimits> done);
    // Platform event publish; success includes the OPERATION_ENQUEUED "error" (reference section
    // 9).
    void publishEvent(const QString &eventName, const QJsonObject &fields, QObject *context,
                      Callback<QString> done);

    ApiLimits lastLimits() const { return m_limits; }
    QString dataPath(const QString &rest) const; // "/services/data/vNN.N/" + rest
    static QString quoteSoql(const QString &value); // a SOQL string literal, escaped

signals:
    void limitsObserved(const lb::ApiLimits &limits);
    void authenticationFailed(const lb::Error &error);

private:
    using Raw = std::function<void(Result<HttpResponse>)>;
    // Sends with the session token; refreshes once on INVALID_SESSION_ID; a non-2xx answer
    // becomes an Error unless `acceptStatus` accepts it.
    void call(const QByteArray &method, const QString &pathOrUrl, const QByteArray &body,
              QObject *context, Raw done, std::function<bool(int)> acceptStatus = {});
    void send(const QByteArray &method, const QString &pathOrUrl, const QByteArray &body,
              QPointer<QObject> context, Raw done, std::function<bool(int)> acceptStatus,
              bool retried);
    void observe(const HttpResponse &response);
    void collection(const QByteArray &method, const QString &path,
                    const QList<QJsonObject> &records, bool allOrNone, QObject *context,
                    Callback<QList<RecordResult>> done);
    static QList<RecordResult> readResults(const QJsonArray &array);
    static QueryPage readPage(const QByteArray &body);

    HttpClient &m_http;
    SalesforceSession &m_session;
    SalesforceConfig m_config;
    ApiLimits m_limits;
};

} // namespace lb::salesforce
