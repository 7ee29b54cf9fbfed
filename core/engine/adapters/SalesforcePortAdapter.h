#pragma once

#include "salesforce/SalesforceClient.h"
#include "salesforce/bulk/Bulk2Client.h"
#include "sync/Ports.h"

#include <memory>

namespace lb {

// The engine's SalesforcePort over the real SalesforceClient: upserts go out as Composite
// requests of up to five Collections of 200 (1,000 records per API call); bulk upserts go
// through a Bulk2Client on the same client (session, allowlist, API call count).
class SalesforcePortAdapter final : public SalesforcePort
{
public:
    // Rows per Bulk query results page: a page is what is held in memory at once.
    static constexpr int kBulkQueryPageRows = 50'000;

    explicit SalesforcePortAdapter(salesforce::SalesforceClient &client);

    void upsert(const QString &sobject, const QString &externalIdField,
                const QList<QJsonObject> &records, QObject *context,
                std::function<void(Result<QList<WriteOutcome>>)> done) override;
    void bulkUpsert(const QString &sobject, const QString &externalIdField,
                    const QList<QJsonObject> &records, QObject *context,
                    std::function<Result<void>(const QString &jobId)> onJob,
                    std::function<void(Result<BulkWriteResult>)> done) override;
    void bulkCollect(const QString &jobId, const QString &externalIdField, QObject *context,
                     std::function<void(Result<BulkWriteResult>)> done) override;
    void watchBulkPolls(QObject *context, BulkPoll onPoll) override;
    void bulkAbort(const QString &jobId, QObject *context,
                   std::function<void(Result<void>)> done) override;
    void update(const QString &sobject, const QList<QJsonObject> &records, QObject *context,
                std::function<void(Result<QList<WriteOutcome>>)> done) override;
    void remove(const QStringList &ids, QObject *context,
                std::function<void(Result<QList<WriteOutcome>>)> done) override;
    void query(const QString &soql, QObject *context,
               std::function<void(Result<RecordPage>)> done) override;
    void queryAll(const QString &soql, QObject *context,
                  std::function<void(Result<RecordPage>)> done) override;
    void queryMore(const QString &next, QObject *context,
                   std::function<void(Result<RecordPage>)> done) override;
    void bulkQuery(const QString &sobject, const QString &soql, bool includeDeleted,
                   QObject *context, std::function<Result<void>(const QList<QJsonObject> &)> onPage,
                   std::function<void(Result<qint64>)> done) override;
    void publishEvents(const QString &eventName, const QList<QJsonObject> &events, QObject *context,
                       std::function<void(Result<QList<WriteOutcome>>)> done) override;
    void fetchLimits(QObject *context, std::function<void(Result<ApiLimits>)> done) override;
    void get(const QString &sobject, const QString &externalIdField, const QString &key,
             const QStringList &fields, QObject *context,
             std::function<void(Result<QJsonObject>)> done) override;

    static WriteOutcome outcomeOf(const salesforce::RecordResult &result);
    // The outcomes of a finished ingest job by the rows' external id.
    static BulkWriteResult bulkResultOf(const salesforce::Bulk2IngestOutcome &outcome,
                                        const QString &externalIdField);

private:
    void upsertFrom(const QString &sobject, const QString &externalIdField,
                    std::shared_ptr<QList<QJsonObject>> records, qsizetype start,
                    std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                    std::function<void(Result<QList<WriteOutcome>>)> done);
    void publishFrom(const QString &eventName, std::shared_ptr<QList<QJsonObject>> events,
                     qsizetype start, std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                     std::function<void(Result<QList<WriteOutcome>>)> done);
    void updateFrom(const QString &sobject, std::shared_ptr<QList<QJsonObject>> records,
                    qsizetype start, std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                    std::function<void(Result<QList<WriteOutcome>>)> done);

    void removeFrom(std::shared_ptr<QStringList> ids, qsizetype start,
                    std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                    std::function<void(Result<QList<WriteOutcome>>)> done);

    void afterBulkJob(QObject *context, std::function<void()> then);
    // The describe types of `sobject`'s fields (one API call the first time, then kept).
    void fieldTypes(const QString &sobject, QObject *context,
                    std::function<void(Result<QHash<QString, QString>>)> done);

    salesforce::SalesforceClient &m_client;
    std::unique_ptr<salesforce::Bulk2Client> m_bulk;
    QHash<QString, QHash<QString, QString>> m_fieldTypes; // by sobject
};

} // namespace lb
