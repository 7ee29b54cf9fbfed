#pragma once

// Test doubles of the engine's ports: in-memory "systems" that answer asynchronously (queued),
// record every call, and fail on demand. Tests only.
#include "sync/Ports.h"

#include <QHash>
#include <QMetaObject>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

namespace lb::test {

template<typename T, typename F> void answerLater(QObject *context, F done, T value)
{
    QMetaObject::invokeMethod(
        context, [done = std::move(done), value]() mutable { done(std::move(value)); },
        Qt::QueuedConnection);
}

class FakeSalesforce final : public SalesforcePort
{
public:
    QHash<QString, QJsonObject> leads; // by Platform_Lead_Id__c
    QHash<QString, QJsonObject> people; // by Id
    QList<QPair<QString, QJsonObject>> events;
    int calls = 0;
    std::optional<Error> failNextCall;
    // The next upsert lands, then its call fails with this error (the connection dropped after
    // Salesforce committed, or the answer timed out).
    std::optional<Error> failNextCallAfterLanding;
    QHash<QString, WriteOutcome> failRecord; // key -> outcome to return once
    int idCounter = 0;
    QHash<QString, int> leadWrites; // Platform_Lead_Id__c -> lead upserts that landed

    // Bulk API 2.0: jobs as uploaded (by id); a held job is processed only when collected, as
    // one whose sender died before its results came.
    QHash<QString, QList<QJsonObject>> bulkJobs;
    int bulkUploads = 0;
    int bulkCollects = 0;
    bool holdBulk = false;
    QSet<QString> unprocessed; // keys a job leaves unprocessed, once each

    // Answers to queries and to /limits come this much later (a poll or a login check still
    // under way while the test acts); queriesStarted counts queries, readable from the test's
    // thread.
    int queryDelayMs = 0;
    int limitsDelayMs = 0;
    std::shared_ptr<std::atomic<int>> queriesStarted = std::make_shared<std::atomic<int>>(0);

    // Upserts held on the wire until released: what happens meanwhile happens before their
    // answer.
    bool holdUpserts = false;
    QList<std::function<void()>> heldUpserts;
    void releaseUpserts()
    {
        const auto held = std::exchange(heldUpserts, {});
        for (const auto &answer : held)
            answer();
    }

    void upsert(const QString &sobject, const QString &key, const QList<QJsonObject> &records,
                QObject *context, std::function<void(Result<QList<WriteOutcome>>)> done) override
    {
        if (holdUpserts) {
            heldUpserts.append([=, this] {
                holdUpserts = false;
                upsert(sobject, key, records, context, done);
            });
            return;
        }
        ++calls;
        if (failNextCall) {
            Error e = *failNextCall;
            failNextCall.reset();
            answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), e);
            return;
        }
        if (failNextCallAfterLanding) {
            write(key, records);
            Error e = *std::exchange(failNextCallAfterLanding, std::nullopt);
            answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), e);
            return;
        }
        answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), write(key, records));
    }
    void bulkUpsert(const QString &, const QString &key, const QList<QJsonObject> &records,
                    QObject *context, std::function<Result<void>(const QString &)> onJob,
                    std::function<void(Result<BulkWriteResult>)> done) override
    {
        ++calls;
        if (failNextCall) {
            Error e = *failNextCall;
            failNextCall.reset();
            answerLater<Result<BulkWriteResult>>(context, std::move(done), e);
            return;
        }
        const QString jobId
            = QStringLiteral("750%1").arg(bulkJobs.size() + 1, 15, 10, QLatin1Char('0'));
        if (auto kept = onJob(jobId); !kept) {
            answerLater<Result<BulkWriteResult>>(context, std::move(done), kept.error());
            return;
        }
        ++bulkUploads;
        bulkJobs.insert(jobId, records);
        if (!holdBulk)
            answerLater<Result<BulkWriteResult>>(context, std::move(done), runBulk(jobId, key));
        else
            heldBulk.insert(jobId, [this, jobId, key, context, done]() {
                answerLater<Result<BulkWriteResult>>(context, done, runBulk(jobId, key));
            });
    }
    // A held job's answer, as if its sender had kept polling until it ended.
    QHash<QString, std::function<void()>> heldBulk;
    void releaseBulk(const QString &jobId) { heldBulk.take(jobId)(); }
    // The delivery's poll watcher (a poll's counters go to it) and the jobs it aborted.
    BulkPoll bulkPoll;
    QStringList bulkAborted;
    void watchBulkPolls(QObject *, BulkPoll onPoll) override { bulkPoll = std::move(onPoll); }
    void bulkAbort(const QString &jobId, QObject *context,
                   std::function<void(Result<void>)> done) override
    {
        ++calls;
        bulkAborted.append(jobId);
        answerLater<Result<void>>(context, std::move(done), Result<void> {});
    }
    void bulkCollect(const QString &jobId, const QString &key, QObject *context,
                     std::function<void(Result<BulkWriteResult>)> done) override
    {
        ++calls;
        ++bulkCollects;
        if (!bulkJobs.contains(jobId)) {
            Error e = makeError(QStringLiteral("NOT_FOUND"), QStringLiteral("no such job"));
            e.httpStatus = 404;
            answerLater<Result<BulkWriteResult>>(context, std::move(done), e);
            return;
        }
        answerLater<Result<BulkWriteResult>>(context, std::move(done), runBulk(jobId, key));
    }
    BulkWriteResult runBulk(const QString &jobId, const QString &key)
    {
        BulkWriteResult result;
        result.jobId = jobId;
        result.jobState = QStringLiteral("JobComplete");
        QList<QJsonObject> processed;
        for (const QJsonObject &r : bulkJobs.value(jobId)) {
            const QString k = r.value(key).toString();
            if (unprocessed.remove(k))
                result.outcomes.insert(k,
                                       {false,
                                        true,
                                        BulkUnprocessedCode,
                                        QStringLiteral("not processed"),
                                        {},
                                        false,
                                        {}});
            else
                processed.append(r);
        }
        const QList<WriteOutcome> out = write(key, processed);
        for (int i = 0; i < processed.size(); ++i)
            result.outcomes.insert(processed.at(i).value(key).toString(), out.at(i));
        return result;
    }
    int writes = 0; // records written (upserted), however sent

    QList<WriteOutcome> write(const QString &key, const QList<QJsonObject> &records)
    {
        QList<WriteOutcome> out;
        for (const QJsonObject &r : records) {
            const QString k = r.value(key).toString();
            if (failRecord.contains(k)) {
                out.append(failRecord.take(k));
                continue;
            }
            QJsonObject stored = leads.value(k);
            const bool created = stored.isEmpty();
            if (created)
                stored.insert(QStringLiteral("Id"),
                              QStringLiteral("00Q%1").arg(++idCounter, 15, 10, QLatin1Char('0')));
            for (auto it = r.begin(); it != r.end(); ++it)
                stored.insert(it.key(), it.value());
            leads.insert(k, stored);
            ++leadWrites[k];
            ++writes;
            out.append(
                {true, false, {}, {}, stored.value(QStringLiteral("Id")).toString(), created, {}});
        }
        return out;
    }
    void update(const QString &sobject, const QList<QJsonObject> &records, QObject *context,
                std::function<void(Result<QList<WriteOutcome>>)> done) override
    {
        ++calls;
        QList<WriteOutcome> out;
        if (sobject == QLatin1String("Lead")) {
            // Leads are kept by their platform id; an update names the Salesforce Id.
            for (const QJsonObject &r : records) {
                const QString id = r.value(QStringLiteral("Id")).toString();
                bool found = false;
                for (QJsonObject &stored : leads) {
                    if (stored.value(QStringLiteral("Id")).toString() != id)
                        continue;
                    for (auto it = r.begin(); it != r.end(); ++it)
                        stored.insert(it.key(), it.value());
                    found = true;
                }
                out.append({found,
                            false,
                            found ? QString() : QStringLiteral("ENTITY_IS_DELETED"),
                            {},
                            id,
                            false,
                            {}});
            }
            answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), out);
            return;
        }
        for (const QJsonObject &r : records) {
            QJsonObject stored = people.value(r.value(QStringLiteral("Id")).toString());
            for (auto it = r.begin(); it != r.end(); ++it)
                stored.insert(it.key(), it.value());
            people.insert(r.value(QStringLiteral("Id")).toString(), stored);
            out.append({true, false, {}, {}, r.value(QStringLiteral("Id")).toString(), false, {}});
        }
        answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), out);
    }
    void remove(const QStringList &ids, QObject *context,
                std::function<void(Result<QList<WriteOutcome>>)> done) override
    {
        ++calls;
        QList<WriteOutcome> out;
        for (const QString &id : ids) {
            bool found = false;
            for (auto it = leads.begin(); it != leads.end();) {
                if (it->value(QStringLiteral("Id")).toString() == id) {
                    it = leads.erase(it);
                    found = true;
                } else {
                    ++it;
                }
            }
            out.append({found,
                        false,
                        found ? QString() : QStringLiteral("ENTITY_IS_DELETED"),
                        {},
                        id,
                        false,
                        {}});
        }
        answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), out);
    }
    void query(const QString &, QObject *context,
               std::function<void(Result<RecordPage>)> done) override
    {
        ++calls;
        ++*queriesStarted;
        RecordPage page {leads.values(), {}};
        if (queryDelayMs > 0)
            QTimer::singleShot(queryDelayMs, context,
                               [done = std::move(done), page]() mutable { done(std::move(page)); });
        else
            answerLater<Result<RecordPage>>(context, std::move(done), std::move(page));
    }
    void queryMore(const QString &, QObject *context,
                   std::function<void(Result<RecordPage>)> done) override
    {
        answerLater<Result<RecordPage>>(context, std::move(done), RecordPage {});
    }
    // Leads in the Recycle Bin (IsDeleted true): only queryAll lists them.
    QHash<QString, QJsonObject> recycleBin;
    // The roster's query (a poll of People__c) reads `people` when rosterReadsPeople is set;
    // otherwise every query reads the leads, as the tests written before it expect.
    bool rosterReadsPeople = false;
    std::optional<Error> failNextQueryAll; // the check before a resend fails with it
    void queryAll(const QString &soql, QObject *context,
                  std::function<void(Result<RecordPage>)> done) override
    {
        ++calls;
        if (failNextQueryAll) {
            Error e = *std::exchange(failNextQueryAll, std::nullopt);
            answerLater<Result<RecordPage>>(context, std::move(done), e);
            return;
        }
        const bool roster = rosterReadsPeople && soql.contains(QLatin1String("FROM People__c"));
        answerLater<Result<RecordPage>>(
            context, std::move(done),
            RecordPage {roster ? people.values() : leads.values() + recycleBin.values(), {}});
    }
    int bulkQueries = 0;
    // One job, one page: every lead (deleted ones are not kept here).
    void bulkQuery(const QString &, const QString &, bool, QObject *context,
                   std::function<Result<void>(const QList<QJsonObject> &)> onPage,
                   std::function<void(Result<qint64>)> done) override
    {
        ++calls;
        ++bulkQueries;
        const QList<QJsonObject> page = leads.values();
        QMetaObject::invokeMethod(
            context,
            [page, onPage = std::move(onPage), done = std::move(done)] {
                if (auto taken = onPage(page); !taken)
                    return done(taken.error());
                done(qint64(page.size()));
            },
            Qt::QueuedConnection);
    }
    void publishEvents(const QString &name, const QList<QJsonObject> &list, QObject *context,
                       std::function<void(Result<QList<WriteOutcome>>)> done) override
    {
        ++calls;
        QList<WriteOutcome> out;
        for (const QJsonObject &fields : list) {
            events.append({name, fields});
            out.append({true, false, {}, {}, QStringLiteral("e00"), true, {}});
        }
        answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), out);
    }
    void fetchLimits(QObject *context, std::function<void(Result<ApiLimits>)> done) override
    {
        ApiLimits l;
        l.system = QStringLiteral("salesforce");
        if (limitsDelayMs > 0)
            QTimer::singleShot(limitsDelayMs, context, [done = std::move(done), l] { done(l); });
        else
            answerLater<Result<ApiLimits>>(context, std::move(done), l);
    }
    void get(const QString &, const QString &, const QString &key, const QStringList &,
             QObject *context, std::function<void(Result<QJsonObject>)> done) override
    {
        answerLater<Result<QJsonObject>>(context, std::move(done), leads.value(key));
    }
};

class FakePlatform final : public PlatformPort
{
public:
    QHash<QString, QJsonObject> leads;
    QHash<QString, QJsonObject> agents;
    int calls = 0;
    std::optional<Error> failNextCall;
    QHash<QString, WriteOutcome> failRecord;
    QList<RejectedRecord> rejected; // listed beside the leads, as unreadable items
    QList<QJsonObject> tombstones; // listed beside the leads: leads deleted on the platform
    QSet<QString> deleted; // ids LeadBridge deleted
    QHash<QString, int> leadWrites; // id -> lead upserts that landed
    // Lead listings (polls), readable from another thread while the engine runs.
    std::shared_ptr<std::atomic<int>> listings = std::make_shared<std::atomic<int>>(0);

    // Listings read now and answered when released (a slow page, read before a change).
    bool holdListings = false;
    QList<std::function<void()>> heldListings;
    void releaseListings()
    {
        for (const auto &answer : std::exchange(heldListings, {}))
            answer();
    }
    void listLeads(qint64, const QString &, int, QObject *context,
                   std::function<void(Result<RecordPage>)> done) override
    {
        ++*listings;
        RecordPage page {leads.values(), {}, rejected, tombstones};
        if (holdListings) {
            heldListings.append(
                [context, done, page] { answerLater<Result<RecordPage>>(context, done, page); });
            return;
        }
        answerLater<Result<RecordPage>>(context, std::move(done), std::move(page));
    }
    void listAgents(const QString &, int, QObject *context,
                    std::function<void(Result<RecordPage>)> done) override
    {
        answerLater<Result<RecordPage>>(context, std::move(done), RecordPage {agents.values(), {}});
    }
    // Upserts held on the wire until released (a write whose answer comes later).
    bool holdUpserts = false;
    QList<std::function<void()>> heldUpserts;
    void releaseUpserts()
    {
        for (const auto &send : std::exchange(heldUpserts, {}))
            send();
    }
    void upsertLeads(const QList<QJsonObject> &records, QObject *context,
                     std::function<void(Result<QList<WriteOutcome>>)> done) override
    {
        if (holdUpserts) {
            heldUpserts.append([=, this] {
                holdUpserts = false;
                upsertLeads(records, context, done);
            });
            return;
        }
        ++calls;
        if (failNextCall) {
            Error e = *failNextCall;
            failNextCall.reset();
            answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), e);
            return;
        }
        QList<WriteOutcome> out;
        for (const QJsonObject &r : records) {
            const QString id = r.value(QStringLiteral("id")).toString();
            if (failRecord.contains(id)) {
                out.append(failRecord.take(id));
                continue;
            }
            QJsonObject stored = r;
            const int version = leads.value(id).value(QStringLiteral("version")).toInt() + 1;
            stored.insert(QStringLiteral("version"), version);
            leads.insert(id, stored);
            ++leadWrites[id];
            out.append({true, false, {}, {}, id, false, {}, version}); // the stored version
        }
        answerLater<Result<QList<WriteOutcome>>>(context, std::move(done), out);
    }
    void putAgent(const QJsonObject &agent, QObject *context,
                  std::function<void(Result<WriteOutcome>)> done) override
    {
        ++calls;
        agents.insert(agent.value(QStringLiteral("id")).toString(), agent);
        answerLater<Result<WriteOutcome>>(
            context, std::move(done),
            WriteOutcome {
                true, false, {}, {}, agent.value(QStringLiteral("id")).toString(), true, {}});
    }
    void deleteLead(const QString &id, QObject *context,
                    std::function<void(Result<void>)> done) override
    {
        ++calls;
        leads.remove(id);
        deleted.insert(id);
        answerLater<Result<void>>(context, std::move(done), Result<void>());
    }
    void restoreLead(const QJsonObject &lead, QObject *context,
                     std::function<void(Result<WriteOutcome>)> done) override
    {
        ++calls;
        const QString id = lead.value(QStringLiteral("id")).toString();
        deleted.remove(id);
        leads.insert(id, lead);
        answerLater<Result<WriteOutcome>>(context, std::move(done),
                                          WriteOutcome {true, false, {}, {}, id, true, lead});
    }
    void deactivateAgent(const QString &id, QObject *context,
                         std::function<void(Result<void>)> done) override
    {
        ++calls;
        if (agents.contains(id))
            agents[id].insert(QStringLiteral("active"), false);
        answerLater<Result<void>>(context, std::move(done), Result<void>());
    }
    void getLead(const QString &id, QObject *context,
                 std::function<void(Result<QJsonObject>)> done) override
    {
        if (!leads.contains(id)) {
            answerLater<Result<QJsonObject>>(
                context, std::move(done),
                makeError(QStringLiteral("not_found"), QStringLiteral("no lead")));
            return;
        }
        answerLater<Result<QJsonObject>>(context, std::move(done), leads.value(id));
    }
};

} // namespace lb::test
