#include "platform/LeadPlatformClient.h"
#include "platform/PlatformSandbox.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::platform;
using lb::sandbox::PlatformSandbox;

// LeadPlatformClient against the platform sandbox: every endpoint of contract v1 and every
// error path the contract names.
class TestPlatformClientSandbox : public QObject
{
    Q_OBJECT

    template<typename T, typename Call> Result<T> wait(Call call)
    {
        std::optional<Result<T>> result;
        call([&result](Result<T> r) { result.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return makeError(QStringLiteral("test_timeout"), QStringLiteral("no callback"));
        return std::move(*result);
    }

    static PlatformLead lead(const QString &id,
                             const QString &lastName = QStringLiteral("Lovelace"))
    {
        PlatformLead l;
        l.id = id;
        l.firstName = QStringLiteral("Ada");
        l.lastName = lastName;
        l.company = QStringLiteral("Analytical Engines");
        l.email = QStringLiteral("ada@example.com");
        l.status = QStringLiteral("new");
        l.source = QStringLiteral("web");
        l.score = 70;
        l.value = 1200.5;
        return l;
    }

    static PlatformAgent agent(const QString &id)
    {
        PlatformAgent a;
        a.id = id;
        a.name = QStringLiteral("Grace Hopper");
        a.email = QStringLiteral("grace@example.com");
        a.eligible = true;
        a.states = {QStringLiteral("TX"), QStringLiteral("CA")};
        a.capacity = 10;
        a.salesforceId = QStringLiteral("a01000000000001AAA");
        return a;
    }

    static QString describe(const Error &e) { return e.code + u' ' + e.message; }

    void startSandbox(const Clock &clock = Clock::system())
    {
        m_client.reset();
        m_sandbox = std::make_unique<PlatformSandbox>(clock);
        QVERIFY(m_sandbox->listen());
        m_client = std::make_unique<LeadPlatformClient>(
            *m_http, QUrl(m_sandbox->baseUrl()),
            QString::fromLatin1(PlatformSandbox::DefaultApiKey));
        LeadPlatformClient::Options o;
        o.timeoutMs = 10'000;
        m_client->setOptions(o);
    }

    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<PlatformSandbox> m_sandbox;
    std::unique_ptr<LeadPlatformClient> m_client;

private slots:
    void initTestCase()
    {
        m_http = std::make_unique<HttpClient>(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
    }

    void init() { startSandbox(); }

    void cleanup()
    {
        m_client.reset();
        m_sandbox.reset();
    }

    void putCreatesUpdatesAndEchoes()
    {
        const auto created = wait<LeadWrite>([&](auto done) {
            m_client->putLead(lead(QStringLiteral("L-1")), std::nullopt, this, std::move(done));
        });
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : describe(created.error())));
        QVERIFY(created->created);
        QCOMPARE(created->lead.version, Q_INT64_C(1));
        QCOMPARE(created->lead.updatedBy, QStringLiteral("salesforce"));
        QVERIFY(created->lead.updatedAt > 0);

        // The same content again: 200, nothing changes (an echo).
        const auto echo = wait<LeadWrite>([&](auto done) {
            m_client->putLead(lead(QStringLiteral("L-1")), std::nullopt, this, std::move(done));
        });
        QVERIFY(echo.ok());
        QVERIFY(!echo->created);
        QCOMPARE(echo->lead.version, Q_INT64_C(1));
        QCOMPARE(echo->lead.updatedAt, created->lead.updatedAt);

        PlatformLead changed = lead(QStringLiteral("L-1"));
        changed.score = 90;
        const auto updated = wait<LeadWrite>(
            [&](auto done) { m_client->putLead(changed, std::nullopt, this, std::move(done)); });
        QVERIFY(updated.ok());
        QCOMPARE(updated->lead.version, Q_INT64_C(2));
        QCOMPARE(updated->lead.score, 90);

        const auto &log = m_sandbox->writeLog();
        QCOMPARE(log.size(), 3);
        QCOMPARE(log.echoCount(), 1);
        QCOMPARE(log.entries().at(1).changed, false);
        QCOMPARE(log.entries().at(2).changedFields, QStringList {QStringLiteral("score")});
        QCOMPARE(log.entries().at(2).updatedBy, QStringLiteral("salesforce"));
        QCOMPARE(log.countByUpdatedBy().value(QStringLiteral("salesforce")), 3);
    }

    void getLead()
    {
        sandbox::LeadRecord seeded;
        seeded.id = QStringLiteral("L-7");
        seeded.lastName = QStringLiteral("Hopper");
        seeded.agentId = QStringLiteral("A-1");
        seeded.salesforceId = QStringLiteral("00Q000000000007AAA");
        m_sandbox->seedLead(seeded);
        const auto found = wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-7"), this, std::move(done)); });
        QVERIFY(found.ok());
        QCOMPARE(found->lastName, QStringLiteral("Hopper"));
        QCOMPARE(found->agentId, std::optional<QString>(QStringLiteral("A-1")));
        QCOMPARE(found->salesforceId, std::optional<QString>(QStringLiteral("00Q000000000007AAA")));
        QCOMPARE(found->version, Q_INT64_C(1));

        const auto missing = wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-8"), this, std::move(done)); });
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("not_found"));
        QCOMPARE(missing.error().httpStatus, 404);
        QVERIFY(!missing.error().retryable);
    }

    void patchLead()
    {
        m_sandbox->seedLead([] {
            sandbox::LeadRecord l;
            l.id = QStringLiteral("L-2");
            l.lastName = QStringLiteral("Liskov");
            l.company = QStringLiteral("MIT");
            return l;
        }());
        const auto patched = wait<PlatformLead>([&](auto done) {
            m_client->patchLead(QStringLiteral("L-2"),
                                QJsonObject {{QStringLiteral("status"), QStringLiteral("working")}},
                                this, std::move(done));
        });
        QVERIFY2(patched.ok(), qPrintable(patched.ok() ? QString() : describe(patched.error())));
        QCOMPARE(patched->status, QStringLiteral("working"));
        QCOMPARE(patched->company, QStringLiteral("MIT"));
        QCOMPARE(patched->version, Q_INT64_C(2));
        QCOMPARE(patched->updatedBy, QStringLiteral("salesforce"));

        const auto missing = wait<PlatformLead>([&](auto done) {
            m_client->patchLead(QStringLiteral("L-404"), QJsonObject {{QStringLiteral("score"), 1}},
                                this, std::move(done));
        });
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().httpStatus, 404);

        const auto invalid = wait<PlatformLead>([&](auto done) {
            m_client->patchLead(QStringLiteral("L-2"), QJsonObject {{QStringLiteral("score"), 500}},
                                this, std::move(done));
        });
        QVERIFY(!invalid.ok());
        QCOMPARE(invalid.error().httpStatus, 422);
        QCOMPARE(m_sandbox->lead(QStringLiteral("L-2"))->score, 0);
    }

    void pagingWithTiesAcrossPages_data()
    {
        QTest::addColumn<int>("limit");
        QTest::newRow("1") << 1;
        QTest::newRow("4") << 4;
        QTest::newRow("7") << 7;
        QTest::newRow("25") << 25;
        QTest::newRow("500") << 500;
    }

    void pagingWithTiesAcrossPages()
    {
        QFETCH(int, limit);
        ManualClock clock;
        startSandbox(clock);
        // 25 leads on one millisecond, 5 later ones: pages split the tie by id.
        for (int i = 25; i >= 1; --i) {
            sandbox::LeadRecord l;
            l.id = QStringLiteral("L-%1").arg(i, 3, 10, QLatin1Char('0'));
            l.lastName = QStringLiteral("Tie");
            m_sandbox->seedLead(l);
        }
        clock.advanceMs(5);
        for (int i = 26; i <= 30; ++i) {
            sandbox::LeadRecord l;
            l.id = QStringLiteral("L-%1").arg(i, 3, 10, QLatin1Char('0'));
            l.lastName = QStringLiteral("Later");
            m_sandbox->seedLead(l);
        }
        QStringList ids;
        QString cursor;
        int pages = 0;
        do {
            const auto page = wait<LeadPage>([&](auto done) {
                m_client->listLeads(std::nullopt, cursor, limit, this, std::move(done));
            });
            QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : describe(page.error())));
            QVERIFY(page->leads.size() <= limit);
            for (const PlatformLead &l : page->leads)
                ids.append(l.id);
            cursor = page->nextCursor;
            ++pages;
        } while (!cursor.isEmpty() && pages < 100);
        QCOMPARE(ids.size(), 30);
        for (int i = 0; i < 30; ++i)
            QCOMPARE(ids.at(i), QStringLiteral("L-%1").arg(i + 1, 3, 10, QLatin1Char('0')));
        QCOMPARE(pages, (30 + limit - 1) / limit);

        // updated_since: only the later five.
        const auto since = wait<LeadPage>(
            [&](auto done) { m_client->listLeads(clock.nowMs(), {}, 100, this, std::move(done)); });
        QVERIFY(since.ok());
        QCOMPARE(since->leads.size(), 5);
        QCOMPARE(since->leads.first().id, QStringLiteral("L-026"));
        QVERIFY(!since->hasMore());
    }

    void invalidCursorIsRefused()
    {
        const auto r = wait<LeadPage>([&](auto done) {
            m_client->listLeads(std::nullopt, QStringLiteral("not-a-cursor!"), 10, this,
                                std::move(done));
        });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().httpStatus, 400);
        QCOMPARE(r.error().code, QStringLiteral("invalid_cursor"));
    }

    void batchMixesResults()
    {
        sandbox::LeadRecord existing;
        existing.id = QStringLiteral("L-2");
        existing.lastName = QStringLiteral("Old");
        existing.version = 3;
        m_sandbox->seedLead(existing);
        sandbox::LeadRecord holder;
        holder.id = QStringLiteral("L-9");
        holder.lastName = QStringLiteral("Holder");
        holder.salesforceId = QStringLiteral("00Q000000000009AAA");
        m_sandbox->seedLead(holder);

        PlatformLead badEmail = lead(QStringLiteral("L-3"));
        badEmail.email = QStringLiteral("not-an-address");
        PlatformLead takenSfId = lead(QStringLiteral("L-5"));
        takenSfId.salesforceId = QStringLiteral("00Q000000000009AAA");
        const QList<LeadUpsert> items {
            {lead(QStringLiteral("L-1")), std::nullopt}, // 201
            {lead(QStringLiteral("L-2"), QStringLiteral("New")), qint64(3)}, // 200
            {badEmail, std::nullopt}, // 400 email
            {lead(QStringLiteral("L-1")), std::nullopt}, // 409 duplicate in batch
            {lead(QStringLiteral("L-4")), qint64(1)}, // 412, does not exist
            {lead(QStringLiteral("L-2")), qint64(1)}, // 409: L-2 appeared already
            {takenSfId, std::nullopt}, // 409 salesforce_id taken
        };
        const auto r = wait<QList<BatchItemResult>>(
            [&](auto done) { m_client->batchUpsert(items, this, std::move(done)); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : describe(r.error())));
        QCOMPARE(r->size(), items.size());
        const QList<int> statuses {201, 200, 400, 409, 412, 409, 409};
        for (int i = 0; i < statuses.size(); ++i)
            QCOMPARE(r->at(i).status, statuses.at(i));
        QVERIFY(r->at(0).created());
        QCOMPARE(r->at(1).version, Q_INT64_C(4));
        QCOMPARE(r->at(2).errorField, QStringLiteral("email"));
        QCOMPARE(r->at(2).errorCode, QStringLiteral("invalid_format"));
        QCOMPARE(r->at(3).errorCode, QStringLiteral("duplicate_in_batch"));
        QCOMPARE(r->at(4).errorCode, QStringLiteral("version_conflict"));
        QVERIFY(!r->at(4).current.has_value()); // no such lead
        QCOMPARE(r->at(6).errorCode, QStringLiteral("duplicate_salesforce_id"));
        QCOMPARE(m_sandbox->lead(QStringLiteral("L-2"))->lastName, QStringLiteral("New"));
        QVERIFY(!m_sandbox->lead(QStringLiteral("L-3")));
        QVERIFY(!m_sandbox->lead(QStringLiteral("L-5")));

        // A stale version on an existing lead: 412 with the current record.
        const auto stale = wait<QList<BatchItemResult>>([&](auto done) {
            m_client->batchUpsert(QList<LeadUpsert> {{lead(QStringLiteral("L-2")), qint64(3)}},
                                  this, std::move(done));
        });
        QVERIFY(stale.ok());
        QCOMPARE(stale->first().status, 412);
        QVERIFY(stale->first().current.has_value());
        QCOMPARE(stale->first().current->version, Q_INT64_C(4));
        QCOMPARE(stale->first().current->lastName, QStringLiteral("New"));
    }

    // Contract v1.1: a deleted lead is a tombstone in listings, a typed "deleted" error on
    // reads (410) and writes (409), a deleted batch item, until restored.
    void deleteAndRestore()
    {
        const auto created = wait<LeadWrite>([&](auto done) {
            m_client->putLead(lead(QStringLiteral("L-1")), std::nullopt, this, std::move(done));
        });
        QVERIFY(created.ok());
        QVERIFY(wait<LeadWrite>([&](auto done) {
                    m_client->putLead(lead(QStringLiteral("L-2")), std::nullopt, this,
                                      std::move(done));
                }).ok());

        const auto deleted = wait<void>(
            [&](auto done) { m_client->deleteLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY2(deleted.ok(), qPrintable(deleted.ok() ? QString() : describe(deleted.error())));
        // Deleting a tombstone again is no failure; an unknown lead is.
        QVERIFY(wait<void>([&](auto done) {
                    m_client->deleteLead(QStringLiteral("L-1"), this, std::move(done));
                }).ok());
        const auto unknown = wait<void>([&](auto done) {
            m_client->deleteLead(QStringLiteral("L-404"), this, std::move(done));
        });
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().httpStatus, 404);
        QCOMPARE(unknown.error().code, QStringLiteral("not_found"));
        QVERIFY(!LeadPlatformClient::isDeleted(unknown.error()));
        const auto badId = wait<void>([&](auto done) {
            m_client->deleteLead(QStringLiteral("../agents/A-1"), this, std::move(done));
        });
        QCOMPARE(badId.error().code, QStringLiteral("invalid_argument"));

        const auto page = wait<LeadPage>(
            [&](auto done) { m_client->listLeads(std::nullopt, {}, 100, this, std::move(done)); });
        QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : describe(page.error())));
        QCOMPARE(page->leads.size(), 1);
        QCOMPARE(page->leads.first().id, QStringLiteral("L-2"));
        QCOMPARE(page->tombstones.size(), 1);
        const PlatformTombstone tombstone = page->tombstones.first();
        QCOMPARE(tombstone.id, QStringLiteral("L-1"));
        QCOMPARE(tombstone.version, created->lead.version + 1);
        QVERIFY(tombstone.deletedAt >= created->lead.updatedAt);

        const auto get = wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!get.ok());
        QCOMPARE(get.error().httpStatus, 410);
        QVERIFY(LeadPlatformClient::isDeleted(get.error()));
        QVERIFY(!get.error().retryable);
        QCOMPARE(LeadPlatformClient::tombstoneOf(get.error()), std::optional(tombstone));
        QVERIFY(!LeadPlatformClient::conflictCurrent(get.error()));

        const auto put = wait<LeadWrite>([&](auto done) {
            m_client->putLead(lead(QStringLiteral("L-1")), std::nullopt, this, std::move(done));
        });
        QCOMPARE(put.error().httpStatus, 409);
        QCOMPARE(LeadPlatformClient::tombstoneOf(put.error()), std::optional(tombstone));
        const auto patch = wait<PlatformLead>([&](auto done) {
            m_client->patchLead(QStringLiteral("L-1"), QJsonObject {{QStringLiteral("score"), 1}},
                                this, std::move(done));
        });
        QVERIFY(LeadPlatformClient::isDeleted(patch.error()));
        const auto batch = wait<QList<BatchItemResult>>([&](auto done) {
            m_client->batchUpsert(QList<PlatformLead> {lead(QStringLiteral("L-1"))}, this,
                                  std::move(done));
        });
        QVERIFY(batch.ok());
        QVERIFY(batch->first().isDeleted());
        QCOMPARE(batch->first().tombstone, std::optional(tombstone));
        QVERIFY(!batch->first().current);

        const auto restored = wait<LeadWrite>([&](auto done) {
            m_client->restoreLead(lead(QStringLiteral("L-1"), QStringLiteral("Byron")), this,
                                  std::move(done));
        });
        QVERIFY2(restored.ok(), qPrintable(restored.ok() ? QString() : describe(restored.error())));
        QVERIFY(restored->created);
        QCOMPARE(restored->lead.lastName, QStringLiteral("Byron"));
        QCOMPARE(restored->lead.version, tombstone.version + 1);
        QVERIFY(!m_sandbox->lead(QStringLiteral("L-1"))->deleted);
        // Restoring a lead that is not deleted is an ordinary update.
        const auto again = wait<LeadWrite>([&](auto done) {
            m_client->restoreLead(lead(QStringLiteral("L-1")), this, std::move(done));
        });
        QVERIFY(again.ok());
        QVERIFY(!again->created);
    }

    void batchOfFiveHundred()
    {
        QList<PlatformLead> leads;
        for (int i = 0; i < LeadPlatformClient::MaxBatch; ++i)
            leads.append(lead(QStringLiteral("L-%1").arg(i)));
        const auto r = wait<QList<BatchItemResult>>(
            [&](auto done) { m_client->batchUpsert(leads, this, std::move(done)); });
        QVERIFY(r.ok());
        QCOMPARE(r->size(), 500);
        QVERIFY(std::all_of(r->begin(), r->end(), [](const auto &i) { return i.status == 201; }));
        QCOMPARE(m_sandbox->leadCount(), 500);
    }

    void versionConflictCarriesCurrentRecord()
    {
        const auto first = wait<LeadWrite>([&](auto done) {
            m_client->putLead(lead(QStringLiteral("L-1")), std::nullopt, this, std::move(done));
        });
        QVERIFY(first.ok());
        // Someone on the platform edits the lead: version 2.
        QVERIFY(m_sandbox
                    ->editLead(QStringLiteral("L-1"),
                               QJsonObject {{QStringLiteral("status"), QStringLiteral("won")}},
                               QStringLiteral("maria"))
                    .ok());
        PlatformLead mine = lead(QStringLiteral("L-1"));
        mine.score = 5;
        const auto conflict = wait<LeadWrite>(
            [&](auto done) { m_client->putLead(mine, qint64(1), this, std::move(done)); });
        QVERIFY(!conflict.ok());
        QCOMPARE(conflict.error().code, QStringLiteral("version_conflict"));
        QCOMPARE(conflict.error().httpStatus, 412);
        QVERIFY(!conflict.error().retryable);
        const auto current = LeadPlatformClient::conflictCurrent(conflict.error());
        QVERIFY(current.has_value());
        QCOMPARE(current->version, Q_INT64_C(2));
        QCOMPARE(current->status, QStringLiteral("won"));
        QCOMPARE(current->updatedBy, QStringLiteral("maria"));
        QCOMPARE(m_sandbox->lead(QStringLiteral("L-1"))->score, 70);

        // Re-applied on top of the current version it goes through.
        mine.status = current->status;
        const auto retried = wait<LeadWrite>(
            [&](auto done) { m_client->putLead(mine, current->version, this, std::move(done)); });
        QVERIFY(retried.ok());
        QCOMPARE(retried->lead.version, Q_INT64_C(3));
        QCOMPARE(retried->lead.status, QStringLiteral("won"));
    }

    void validationDetails()
    {
        PlatformLead bad = lead(QStringLiteral("L-1"));
        bad.lastName.clear();
        bad.email = QStringLiteral("ada-at-example");
        bad.status = QStringLiteral("hot");
        const auto r = wait<LeadWrite>(
            [&](auto done) { m_client->putLead(bad, std::nullopt, this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().httpStatus, 422);
        QCOMPARE(r.error().code, QStringLiteral("validation_failed"));
        const QJsonArray details = r.error().details.value(QStringLiteral("details")).toArray();
        QCOMPARE(details.size(), 3);
        QStringList fields;
        for (const QJsonValue &d : details)
            fields.append(d.toObject().value(QStringLiteral("field")).toString() + u'/'
                          + d.toObject().value(QStringLiteral("code")).toString());
        QVERIFY(fields.contains(QStringLiteral("last_name/required")));
        QVERIFY(fields.contains(QStringLiteral("email/invalid_format")));
        QVERIFY(fields.contains(QStringLiteral("status/invalid_value")));
        QCOMPARE(m_sandbox->leadCount(), 0);
    }

    void bodiesOverOneMebibyte()
    {
        PlatformLead huge = lead(QStringLiteral("L-1"));
        huge.company = QString(1024 * 1024 + 1, u'x');
        const auto r = wait<LeadWrite>(
            [&](auto done) { m_client->putLead(huge, std::nullopt, this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().httpStatus, 413);
        QCOMPARE(r.error().code, QStringLiteral("payload_too_large"));

        QList<PlatformLead> leads;
        for (int i = 0; i < 500; ++i) {
            PlatformLead l = lead(QStringLiteral("L-%1").arg(i));
            l.company = QString(2500, u'c'); // valid per field, too big together
            leads.append(l);
        }
        const auto batch = wait<QList<BatchItemResult>>(
            [&](auto done) { m_client->batchUpsert(leads, this, std::move(done)); });
        QVERIFY(!batch.ok());
        QCOMPARE(batch.error().httpStatus, 413);
        QCOMPARE(m_sandbox->leadCount(), 0);
    }

    void wrongApiKey()
    {
        m_client->setApiKey(QStringLiteral("wrong"));
        const auto r = wait<AgentPage>(
            [&](auto done) { m_client->listAgents({}, 10, this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().httpStatus, 401);
        QCOMPARE(r.error().code, QStringLiteral("unauthorized"));
        QVERIFY(!r.error().retryable);
        QCOMPARE(m_sandbox->stats().http.unauthorized, 1u);
    }

    void rateLimitIsHonouredThroughRetryAfter()
    {
        ManualClock clock; // on a window boundary
        startSandbox(clock);
        m_sandbox->setRateLimit(2, 1);
        // The window ends when the sandbox says 429: move its clock on then, so the client's
        // retry after Retry-After (1 s, waited on a QTimer) lands in a fresh window.
        connect(m_sandbox.get(), &PlatformSandbox::requestHandled, this,
                [&clock](const QByteArray &, const QString &, int status) {
                    if (status == 429)
                        clock.advanceMs(1000);
                });
        QSignalSpy limits(m_client.get(), &LeadPlatformClient::limitsObserved);
        for (int i = 0; i < 2; ++i) {
            const auto r = wait<AgentPage>(
                [&](auto done) { m_client->listAgents({}, 10, this, std::move(done)); });
            QVERIFY(r.ok());
        }
        QCOMPARE(m_client->lastLimits().used, Q_INT64_C(2));
        QCOMPARE(m_client->lastLimits().max, Q_INT64_C(2));
        QCOMPARE(m_client->lastLimits().resetAt, clock.nowMs() / 1000 + 1);
        QCOMPARE(m_client->lastLimits().system, QStringLiteral("platform"));

        const auto third = wait<AgentPage>(
            [&](auto done) { m_client->listAgents({}, 10, this, std::move(done)); });
        QVERIFY2(third.ok(), qPrintable(third.ok() ? QString() : describe(third.error())));
        QCOMPARE(m_sandbox->stats().http.rateLimited, 1u);
        QCOMPARE(m_sandbox->stats().http.byStatus.value(200), 3u);
        QCOMPARE(limits.size(), 4); // every answer, the 429 included
        QCOMPARE(limits.at(2).at(0).value<ApiLimits>().used, Q_INT64_C(2));
        QCOMPARE(m_client->lastLimits().used, Q_INT64_C(1));

        // Without the automatic retry the caller gets the 429 and the delay.
        auto o = m_client->options();
        o.retryRateLimited = false;
        m_client->setOptions(o);
        m_sandbox->setRateLimit(1, 60);
        QVERIFY(wait<AgentPage>([&](auto done) {
                    m_client->listAgents({}, 10, this, std::move(done));
                }).ok());
        const auto refused = wait<AgentPage>(
            [&](auto done) { m_client->listAgents({}, 10, this, std::move(done)); });
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("rate_limited"));
        QCOMPARE(refused.error().httpStatus, 429);
        QVERIFY(refused.error().retryable);
        QVERIFY(refused.error().retryAfterMs >= 1000);
        QVERIFY(refused.error().retryAfterMs <= 60'000);
    }

    void serviceUnavailableIsRetried()
    {
        m_sandbox->faults().failNext503(2);
        auto o = m_client->options();
        o.transientRetries = 2;
        o.backoff = RetryPolicy {10, 50, 8};
        m_client->setOptions(o);
        const auto r = wait<LeadWrite>([&](auto done) {
            m_client->putLead(lead(QStringLiteral("L-1")), std::nullopt, this, std::move(done));
        });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : describe(r.error())));
        QCOMPARE(m_sandbox->stats().http.injected503, 2u);
        QCOMPARE(m_sandbox->writeLog().size(), 1);

        o.transientRetries = 0;
        m_client->setOptions(o);
        m_sandbox->faults().failNext503(1);
        const auto failed = wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().httpStatus, 503);
        QCOMPARE(failed.error().code, QStringLiteral("service_unavailable"));
        QVERIFY(failed.error().retryable);
    }

    void hungRequestTimesOut()
    {
        auto o = m_client->options();
        o.timeoutMs = 300;
        m_client->setOptions(o);
        m_sandbox->faults().hangNext(1);
        const auto r = wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("timeout"));
        QVERIFY(r.error().retryable);
        QCOMPARE(m_sandbox->stats().http.hung, 1u);
    }

    void droppedConnectionIsANetworkError()
    {
        m_sandbox->faults().dropNext(10); // enough for any transparent resend of the QNAM
        const auto r = wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("network"));
        QVERIFY(r.error().retryable);
        QVERIFY(m_sandbox->stats().http.dropped >= 1u);
        m_sandbox->faults().dropNext(0);
    }

    void slowAnswersStillArrive()
    {
        m_sandbox->faults().setSlowMs(150);
        const auto r = wait<AgentPage>(
            [&](auto done) { m_client->listAgents({}, 10, this, std::move(done)); });
        QVERIFY(r.ok());
        QCOMPARE(m_sandbox->stats().http.slowed, 1u);
    }

    void agents()
    {
        const auto created = wait<AgentWrite>([&](auto done) {
            m_client->putAgent(agent(QStringLiteral("A-1")), this, std::move(done));
        });
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : describe(created.error())));
        QVERIFY(created->created);
        QCOMPARE(created->agent.states, QStringList({QStringLiteral("TX"), QStringLiteral("CA")}));
        QCOMPARE(created->agent.version, Q_INT64_C(1));

        PlatformAgent changed = agent(QStringLiteral("A-1"));
        changed.capacity = 20;
        const auto updated = wait<AgentWrite>(
            [&](auto done) { m_client->putAgent(changed, this, std::move(done)); });
        QVERIFY(updated.ok());
        QVERIFY(!updated->created);
        QCOMPARE(updated->agent.version, Q_INT64_C(2));

        for (int i = 2; i <= 5; ++i)
            QVERIFY(wait<AgentWrite>([&](auto done) {
                        m_client->putAgent(agent(QStringLiteral("A-%1").arg(i)), this,
                                           std::move(done));
                    }).ok());
        QStringList ids;
        QString cursor;
        do {
            const auto page = wait<AgentPage>(
                [&](auto done) { m_client->listAgents(cursor, 2, this, std::move(done)); });
            QVERIFY(page.ok());
            for (const PlatformAgent &a : page->agents)
                ids.append(a.id);
            cursor = page->nextCursor;
        } while (!cursor.isEmpty());
        QCOMPARE(ids.size(), 5);
        QVERIFY(ids.contains(QStringLiteral("A-1")));

        const auto deleted = wait<void>([&](auto done) {
            m_client->deleteAgent(QStringLiteral("A-1"), this, std::move(done));
        });
        QVERIFY(deleted.ok());
        QVERIFY(!m_sandbox->agent(QStringLiteral("A-1"))->active);
        QCOMPARE(m_sandbox->agent(QStringLiteral("A-1"))->version, Q_INT64_C(3));

        const auto missing = wait<void>([&](auto done) {
            m_client->deleteAgent(QStringLiteral("A-9"), this, std::move(done));
        });
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().httpStatus, 404);

        PlatformAgent invalid = agent(QStringLiteral("A-6"));
        invalid.name.clear();
        const auto refused = wait<AgentWrite>(
            [&](auto done) { m_client->putAgent(invalid, this, std::move(done)); });
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().httpStatus, 422);
        QCOMPARE(refused.error().details.value(QStringLiteral("details")).toArray().size(), 1);
    }

    void everyAnswerCarriesTheRateLimitHeaders()
    {
        QSignalSpy limits(m_client.get(), &LeadPlatformClient::limitsObserved);
        (void)wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-404"), this, std::move(done)); });
        m_sandbox->faults().failNext503(1);
        (void)wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-404"), this, std::move(done)); });
        m_client->setApiKey(QStringLiteral("wrong"));
        (void)wait<PlatformLead>(
            [&](auto done) { m_client->getLead(QStringLiteral("L-404"), this, std::move(done)); });
        QCOMPARE(limits.size(), 3); // 404, 503 and 401 alike
        for (const auto &args : limits)
            QCOMPARE(args.at(0).value<ApiLimits>().max, Q_INT64_C(1000));
    }
};

QTEST_GUILESS_MAIN(TestPlatformClientSandbox)
#include "TestPlatformClientSandbox.moc"
