// `leadbridge sync` with metrics_listen, Salesforce changes on the stream: /metrics is scraped
// while it delivers 500 platform leads to Salesforce, then 20 leads edited in Salesforce reach
// the platform, and afterwards; each scrape is parsed by the Prometheus project's own Python
// parser (tests/tools/parse-metrics.py, Debian python3-prometheus-client). The counters match
// what the sandboxes counted: Salesforce REST calls per kind (the org's API usage), and records
// delivered per direction (the writes in each sandbox's write log).
#include "SandboxProcessRun.h"

#include <QTcpServer>
#include <QTemporaryFile>

using lb::test::SandboxProcessRun;
using namespace Qt::StringLiterals;

namespace {

constexpr int Leads = 500;
constexpr int Edits = 20;

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// One parsed scrape: the samples by name and labels.
struct Scrape
{
    bool ok = false;
    QString problem;
    QJsonObject families; // name -> type
    QJsonArray samples;

    // The sum of the samples named `name` whose labels include all of `labels`.
    double sum(const QString &name, const QJsonObject &labels = {}) const
    {
        double total = 0;
        for (const QJsonValue &v : samples) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("name")).toString() != name)
                continue;
            const QJsonObject l = s.value(QStringLiteral("labels")).toObject();
            bool match = true;
            for (auto it = labels.begin(); it != labels.end() && match; ++it)
                match = l.value(it.key()) == it.value();
            if (match)
                total += s.value(QStringLiteral("value")).toDouble();
        }
        return total;
    }
    double delivered(const QString &direction) const
    {
        return sum(QStringLiteral("leadbridge_records_delivered_total"),
                   {{QStringLiteral("direction"), direction}});
    }
    // Calls per endpoint kind of one system.
    QHash<QString, qint64> callsByKind(const QString &system) const
    {
        QHash<QString, qint64> kinds;
        for (const QJsonValue &v : samples) {
            const QJsonObject s = v.toObject();
            const QJsonObject l = s.value(QStringLiteral("labels")).toObject();
            if (s.value(QStringLiteral("name")).toString()
                    == QLatin1String("leadbridge_http_calls_total")
                && l.value(QStringLiteral("system")).toString() == system)
                kinds[l.value(QStringLiteral("kind")).toString()]
                    += qint64(s.value(QStringLiteral("value")).toDouble());
        }
        return kinds;
    }
};

} // namespace

class TestSyncMetrics : public QObject
{
    Q_OBJECT

private:
    SandboxProcessRun m_run;
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;

    // GET /metrics, checked for the exposition format's content type, then parsed.
    Scrape scrape()
    {
        Scrape result;
        QNetworkReply *reply = m_nam.get(
            QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_port))));
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 30'000)) {
            result.problem = QStringLiteral("no answer");
            return result;
        }
        reply->deleteLater();
        const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        if (reply->error() != QNetworkReply::NoError || !type.contains("version=0.0.4")) {
            result.problem = reply->errorString() + QStringLiteral(" / ") + QString::fromUtf8(type);
            return result;
        }
        QTemporaryFile text;
        if (!text.open() || text.write(reply->readAll()) < 0 || !text.flush()) {
            result.problem = QStringLiteral("cannot write the scrape");
            return result;
        }
        QProcess parser;
        parser.start(qEnvironmentVariable("LB_PARSE_METRICS"), {text.fileName()});
        if (!parser.waitForFinished(60'000) || parser.exitCode() != 0) {
            result.problem = QString::fromUtf8(parser.readAllStandardError());
            return result;
        }
        const QJsonObject parsed = QJsonDocument::fromJson(parser.readAllStandardOutput()).object();
        result.families = parsed.value(QStringLiteral("families")).toObject();
        result.samples = parsed.value(QStringLiteral("samples")).toArray();
        result.ok = !result.samples.isEmpty();
        return result;
    }

    // LeadBridge's writes in the Salesforce write log (its call options name it).
    qint64 salesforceWrites(const QJsonObject &stats)
    {
        qint64 n = 0;
        for (const QJsonValue &v : stats.value(QStringLiteral("writeLog")).toArray())
            n += v.toObject().value(QStringLiteral("client")).isNull() ? 0 : 1;
        return n;
    }

private slots:
    void initTestCase()
    {
        m_port = freePort();
        QVERIFY(m_port != 0);
        m_run.setProfileExtras(
            {}, {{QStringLiteral("metrics_listen"), QStringLiteral("127.0.0.1:%1").arg(m_port)}});
        // One poll of each system at the start, then none for an hour; Salesforce changes come
        // on the stream. Once the records are delivered the daemon makes no REST calls, so the
        // counters can be compared exactly.
        QVERIFY(m_run.start(Leads, QStringLiteral("pk_metrics"),
                            {{QStringLiteral("changes"), QStringLiteral("stream")}},
                            {{QStringLiteral("backstop_poll_min"), 60},
                             {QStringLiteral("poll_interval_s"), 3600}}));
    }

    void scrapedDuringAndAfterASyncMatchesTheSandboxes()
    {
        QProcess sync;
        m_run.startSync(sync);
        QVERIFY(sync.waitForStarted());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return sync.state() != QProcess::Running
                    || sync.peek(sync.bytesAvailable()).contains("is syncing");
            },
            60'000));
        QCOMPARE(sync.state(), QProcess::Running);

        // During: every scrape parses, and the counters never go down.
        int scrapes = 0;
        double lastDelivered = 0;
        double lastCalls = 0;
        Scrape s;
        QVERIFY(QTest::qWaitFor(
            [&] {
                s = scrape();
                ++scrapes;
                if (!s.ok)
                    return true; // reported below
                const double delivered
                    = s.sum(QStringLiteral("leadbridge_records_delivered_total"),
                            {{QStringLiteral("direction"), QStringLiteral("to_salesforce")}});
                const double calls = s.sum(QStringLiteral("leadbridge_http_calls_total"));
                if (delivered < lastDelivered || calls < lastCalls) {
                    s.ok = false;
                    s.problem = QStringLiteral("a counter went down");
                    return true;
                }
                lastDelivered = delivered;
                lastCalls = calls;
                return delivered >= Leads;
            },
            120'000));
        QVERIFY2(s.ok, qPrintable(s.problem));
        QCOMPARE(s.families.value(QStringLiteral("leadbridge_http_call_duration_seconds")),
                 QJsonValue(QStringLiteral("histogram")));
        QCOMPARE(s.families.value(QStringLiteral("leadbridge_records_delivered")),
                 QJsonValue(QStringLiteral("counter")));
        qInfo("%d scrape(s) while %d leads were delivered", scrapes, Leads);

        // The other way: once the stream is connected (as /metrics tells), Salesforce users
        // edit leads and the stream brings the changes.
        QVERIFY(QTest::qWaitFor(
            [&] {
                s = scrape();
                return !s.ok
                    || s.sum(QStringLiteral("leadbridge_stream_state"),
                             {{QStringLiteral("state"), QStringLiteral("connected")}})
                    == 1;
            },
            120'000));
        QVERIFY2(s.ok, qPrintable(s.problem));
        QCOMPARE(
            m_run
                .editLeadsAsAUser(Edits, {{QStringLiteral("FirstName"), QStringLiteral("Scraped")}})
                .size(),
            Edits);
        const bool arrived = QTest::qWaitFor(
            [&] {
                s = scrape();
                return !s.ok || s.delivered(QStringLiteral("to_platform")) >= Edits;
            },
            120'000);
        QVERIFY2(arrived, sync.readAllStandardError().right(3000).constData());
        QVERIFY2(s.ok, qPrintable(s.problem));

        // After: once the daemon is idle (two scrapes around the sandboxes' counts agree), what
        // it counted is what the sandboxes counted.
        QJsonObject stats;
        QJsonArray platformWrites;
        Scrape before, after;
        QVERIFY(QTest::qWaitFor(
            [&] {
                before = scrape();
                stats = m_run.stats();
                platformWrites = m_run.platformWrites();
                after = scrape();
                // The stream's long polls (not API usage) go on meanwhile.
                const auto rest = [](const Scrape &x) {
                    return x.sum(QStringLiteral("leadbridge_http_calls_total"))
                        - x.sum(QStringLiteral("leadbridge_http_calls_total"),
                                {{QStringLiteral("kind"), QStringLiteral("streaming")}});
                };
                return !before.ok || !after.ok
                    || (rest(before) == rest(after)
                        && after.sum(QStringLiteral("leadbridge_queue_depth"),
                                     {{QStringLiteral("state"), QStringLiteral("pending")}})
                            == 0);
            },
            120'000));
        QVERIFY2(after.ok, qPrintable(after.problem));

        // Salesforce API calls, per kind, as the org counted its API usage (the OAuth token
        // calls and the stream's are not API usage; the org tells the calls to /sobjects apart
        // by what they do).
        const QJsonObject usage = stats.value(QStringLiteral("apiUsage")).toObject();
        QHash<QString, qint64> sandbox;
        const QJsonObject byKind = usage.value(QStringLiteral("byKind")).toObject();
        static const QStringList sobjectKinds {
            QStringLiteral("describe"),    QStringLiteral("publish"), QStringLiteral("create"),
            QStringLiteral("replication"), QStringLiteral("read"),    QStringLiteral("delete"),
            QStringLiteral("upsert"),      QStringLiteral("update")};
        for (auto it = byKind.begin(); it != byKind.end(); ++it)
            sandbox[sobjectKinds.contains(it.key()) ? QStringLiteral("sobjects") : it.key()]
                += it.value().toInteger();
        // Not LeadBridge's: the user's query for the leads to edit, and an update each.
        sandbox[QStringLiteral("query")] -= 1;
        sandbox[QStringLiteral("sobjects")] -= Edits;
        if (sandbox.value(QStringLiteral("sobjects")) == 0)
            sandbox.remove(QStringLiteral("sobjects"));
        QHash<QString, qint64> counted = after.callsByKind(QStringLiteral("salesforce"));
        QVERIFY(counted.value(QStringLiteral("oauth")) > 0);
        counted.remove(QStringLiteral("oauth"));
        QVERIFY(counted.value(QStringLiteral("streaming")) > 0);
        counted.remove(QStringLiteral("streaming"));
        QVERIFY(counted.value(QStringLiteral("query")) > 0);
        const auto show = [](const QHash<QString, qint64> &kinds) {
            QStringList parts;
            for (auto it = kinds.cbegin(); it != kinds.cend(); ++it)
                parts.append(it.key() + u'=' + QString::number(it.value()));
            parts.sort();
            return parts.join(u' ');
        };
        QVERIFY2(counted == sandbox,
                 qPrintable(u"counted: "_s + show(counted) + u"; sandbox: "_s + show(sandbox)));
        qInfo("Salesforce API calls by kind, counted and at the sandbox: %s",
              qPrintable(show(counted)));
        qint64 total = 0;
        for (const qint64 n : std::as_const(counted))
            total += n;
        QCOMPARE(total, usage.value(QStringLiteral("used")).toInteger() - 1 - Edits);
        QVERIFY(after.callsByKind(QStringLiteral("platform")).value(QStringLiteral("leads")) > 0);
        // Every call has its latency observed.
        QCOMPARE(after.sum(QStringLiteral("leadbridge_http_call_duration_seconds_count")),
                 after.sum(QStringLiteral("leadbridge_http_calls_total")));

        // Records delivered, per direction, as each sandbox's write log holds them.
        QCOMPARE(
            qint64(after.sum(QStringLiteral("leadbridge_records_delivered_total"),
                             {{QStringLiteral("direction"), QStringLiteral("to_salesforce")}})),
            salesforceWrites(stats));
        QCOMPARE(qint64(after.sum(QStringLiteral("leadbridge_records_delivered_total"),
                                  {{QStringLiteral("direction"), QStringLiteral("to_platform")}})),
                 qint64(platformWrites.size()));

        qInfo("delivered to Salesforce %lld, to the platform %lld (the sandboxes' write logs)",
              salesforceWrites(stats), qint64(platformWrites.size()));

        // The gauges: running, nothing waiting, no errors, both breakers closed.
        QCOMPARE(after.sum(QStringLiteral("leadbridge_engine_state"),
                           {{QStringLiteral("state"), QStringLiteral("running")}}),
                 1.0);
        QCOMPARE(after.sum(QStringLiteral("leadbridge_inbox_size")), 0.0);
        QCOMPARE(after.sum(QStringLiteral("leadbridge_http_errors_total")), 0.0);
        QCOMPARE(after.sum(QStringLiteral("leadbridge_breaker_state"),
                           {{QStringLiteral("state"), QStringLiteral("closed")}}),
                 2.0);
        QCOMPARE(after.sum(QStringLiteral("leadbridge_stream_state"),
                           {{QStringLiteral("state"), QStringLiteral("connected")}}),
                 1.0);
        QCOMPARE(after.sum(QStringLiteral("leadbridge_duty_held"),
                           {{QStringLiteral("duty"), QStringLiteral("salesforce.stream")}}),
                 1.0);
        QVERIFY(after.sum(QStringLiteral("leadbridge_api_allocation"),
                          {{QStringLiteral("system"), QStringLiteral("salesforce")}})
                > 0);

        sync.terminate();
        QVERIFY(sync.waitForFinished(30'000));
        QCOMPARE(sync.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSyncMetrics)
#include "TestSyncMetrics.moc"
