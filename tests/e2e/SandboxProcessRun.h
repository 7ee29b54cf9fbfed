#pragma once

// `leadbridge-sandbox` as a process and a profile for `leadbridge sync` against it: what the
// end-to-end tests that run LeadBridge as real processes share.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <optional>

namespace lb::test {

class SandboxProcessRun
{
public:
    ~SandboxProcessRun()
    {
        m_sandbox.terminate();
        m_sandbox.waitForFinished(10'000);
    }

    // More options for `leadbridge-sandbox` (e.g. a higher platform rate limit); before start().
    void addSandboxArgs(const QStringList &args) { m_sandboxArgs += args; }

    // The profile's store (a URL) instead of a SQLite file in the temporary folder; before start().
    void useStore(const QString &url) { m_store = url; }

    // Keys added to the profile's platform section and to its top level by start() (e.g.
    // platform.webhook_listen, metrics_listen).
    void setProfileExtras(const QJsonObject &platform, const QJsonObject &top)
    {
        m_platformExtras = platform;
        m_topExtras = top;
    }

    // Starts the sandbox with `leads` generated platform leads and writes a profile for it
    // (SQLite store in a temporary folder unless useStore(), Salesforce polled every 2 s, short
    // leases). `salesforce` and `sync` replace or add keys of those sections (e.g. the change
    // stream).
    bool start(int leads, const QString &apiKey, const QJsonObject &salesforce = {},
               const QJsonObject &sync = {})
    {
        m_apiKey = apiKey;
        m_sandbox.start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                        QStringList {QStringLiteral("--platform-generate"), QString::number(leads),
                                     QStringLiteral("--platform-api-key"), apiKey,
                                     QStringLiteral("--save-interval"), QStringLiteral("0")}
                            + m_sandboxArgs);
        if (!m_sandbox.waitForStarted()
            || !QTest::qWaitFor([&] { return m_sandbox.canReadLine(); }, 30'000))
            return false;
        m_ready = QJsonDocument::fromJson(m_sandbox.readLine()).object();
        if (m_ready.value(QStringLiteral("platformUrl")).toString().isEmpty())
            return false;
        m_profile = m_dir.filePath(QStringLiteral("profile.json"));
        QFile f(m_profile);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        QJsonObject salesforceSection {
            {QStringLiteral("login_url"), m_ready.value(QStringLiteral("loginUrl"))},
            {QStringLiteral("auth_flow"), QStringLiteral("password")},
            {QStringLiteral("client_id"), m_ready.value(QStringLiteral("clientId"))},
            {QStringLiteral("username"), m_ready.value(QStringLiteral("username"))},
            // Paced by the 2 s poll unless the caller chooses the stream.
            {QStringLiteral("changes"), QStringLiteral("poll")}};
        for (auto it = salesforce.begin(); it != salesforce.end(); ++it)
            salesforceSection.insert(it.key(), it.value());
        QJsonObject syncSection {{QStringLiteral("poll_interval_s"), 2},
                                 {QStringLiteral("batch_size"), 500},
                                 {QStringLiteral("lease_s"), 5},
                                 {QStringLiteral("retry_base_ms"), 50}};
        for (auto it = sync.begin(); it != sync.end(); ++it)
            syncSection.insert(it.key(), it.value());
        QJsonObject platformSection {
            {QStringLiteral("base_url"), m_ready.value(QStringLiteral("platformUrl"))}};
        for (auto it = m_platformExtras.begin(); it != m_platformExtras.end(); ++it)
            platformSection.insert(it.key(), it.value());
        QJsonObject profile {
            {QStringLiteral("name"), QStringLiteral("e2e")},
            {QStringLiteral("salesforce"), salesforceSection},
            {QStringLiteral("platform"), platformSection},
            {QStringLiteral("store"),
             m_store.isEmpty()
                 ? QString(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("e2e.db")))
                 : m_store},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}},
            {QStringLiteral("sync"), syncSection}};
        for (auto it = m_topExtras.begin(); it != m_topExtras.end(); ++it)
            profile.insert(it.key(), it.value());
        return f.write(QJsonDocument(profile).toJson()) > 0;
    }

    const QString &profile() const { return m_profile; }
    // Given to every LeadBridge process as LEADBRIDGE_WEBHOOK_SECRET (the receiver then listens).
    void setWebhookSecret(const QString &secret) { m_webhookSecret = secret; }

    // `leadbridge ARGS...` beside whatever else runs on the profile: exit code (-1 when it did
    // not finish within a minute), standard output and error.
    int runCommand(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr)
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), m_profile} + args);
        if (!p.waitForFinished(60'000))
            return -1;
        if (out)
            *out = p.readAllStandardOutput();
        if (err)
            *err = p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    const QJsonObject &ready() const { return m_ready; }

    // The secrets come from the environment (no keychain); no display.
    QProcessEnvironment environment(const QString &password
                                    = QStringLiteral("sandbox-password")) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LEADBRIDGE_SF_CLIENT_SECRET"),
                   QStringLiteral("leadbridge-sandbox-consumer-secret"));
        env.insert(QStringLiteral("LEADBRIDGE_SF_PASSWORD"), password);
        env.insert(QStringLiteral("LEADBRIDGE_PLATFORM_API_KEY"), m_apiKey);
        if (!m_webhookSecret.isEmpty())
            env.insert(QStringLiteral("LEADBRIDGE_WEBHOOK_SECRET"), m_webhookSecret);
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.remove(QStringLiteral("DISPLAY"));
        return env;
    }

    // `leadbridge sync` (continuous) as a process of its own.
    void startSync(QProcess &sync) const
    {
        sync.setProcessEnvironment(environment());
        sync.setReadChannel(QProcess::StandardError); // where the daemon says what it does
        sync.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                   {QStringLiteral("--profile"), m_profile, QStringLiteral("sync")});
    }

    // `leadbridge sync --once`: its exit code, -1 when it did not finish in 5 minutes.
    int runOnce(const QString &password = QStringLiteral("sandbox-password"),
                QByteArray *err = nullptr)
    {
        QProcess p;
        p.setProcessEnvironment(environment(password));
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                {QStringLiteral("--profile"), m_profile, QStringLiteral("sync"),
                 QStringLiteral("--once")});
        if (!p.waitForFinished(300'000))
            return -1;
        if (err)
            *err = p.readAllStandardError();
        return p.exitCode();
    }

    // A file in the run's temporary folder.
    QString path(const QString &name) const { return m_dir.filePath(name); }

    // Sets fault knobs of the Salesforce sandbox (e.g. {"bulkSlowMs": 3000}); its answer.
    QJsonObject faults(const QJsonObject &knobs)
    {
        QNetworkRequest r {QUrl(m_ready.value(QStringLiteral("instanceUrl")).toString()
                                + QStringLiteral("/__sandbox/faults"))};
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return wait(m_nam.post(r, QJsonDocument(knobs).toJson())).object();
    }

    // `leadbridge --profile P ARGS`: exit code (-1 when it did not finish in 5 minutes) and
    // what it wrote.
    struct Run
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };
    Run leadbridge(const QStringList &args)
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), m_profile} + args);
        Run run;
        if (!p.waitForFinished(300'000))
            return run;
        run.code = p.exitCode();
        run.out = p.readAllStandardOutput();
        run.err = p.readAllStandardError();
        return run;
    }

    // The sandbox org's counters and write log.
    QJsonObject stats()
    {
        return get(m_ready.value(QStringLiteral("instanceUrl")).toString()
                   + QStringLiteral("/__sandbox/stats?limit=10000000"))
            .object();
    }

    // A Salesforce user signed in on their own (no LeadBridge call options): their writes
    // are not LeadBridge's.
    struct SalesforceUser
    {
        QString base; // .../services/data/v61.0
        QByteArray token;
    };
    std::optional<SalesforceUser> signInAsAUser()
    {
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("password"));
        form.addQueryItem(QStringLiteral("client_id"),
                          m_ready.value(QStringLiteral("clientId")).toString());
        form.addQueryItem(QStringLiteral("client_secret"),
                          QStringLiteral("leadbridge-sandbox-consumer-secret"));
        form.addQueryItem(QStringLiteral("username"),
                          m_ready.value(QStringLiteral("username")).toString());
        form.addQueryItem(QStringLiteral("password"), QStringLiteral("sandbox-password"));
        QNetworkRequest login(QUrl(m_ready.value(QStringLiteral("loginUrl")).toString()
                                   + QStringLiteral("/services/oauth2/token")));
        login.setHeader(QNetworkRequest::ContentTypeHeader,
                        QStringLiteral("application/x-www-form-urlencoded"));
        const QJsonObject token
            = wait(m_nam.post(login, form.query(QUrl::FullyEncoded).toUtf8())).object();
        const QString access = token.value(QStringLiteral("access_token")).toString();
        const QString instance = token.value(QStringLiteral("instance_url")).toString();
        if (access.isEmpty() || instance.isEmpty())
            return std::nullopt;
        return SalesforceUser {instance + QStringLiteral("/services/data/v61.0"), access.toUtf8()};
    }

    // (Id, platform id) of `count` leads that came from the platform, skipping the first `skip`
    // (by Id); empty when there are not that many.
    QList<QPair<QString, QString>> platformLeadsInSalesforce(const SalesforceUser &user, int count,
                                                             int skip = 0)
    {
        const QJsonObject page
            = get(userRequest(user,
                              user.base + QStringLiteral("/query?q=")
                                  + QString::fromUtf8(QUrl::toPercentEncoding(
                                      QStringLiteral("SELECT Id, Platform_Lead_Id__c FROM Lead "
                                                     "WHERE Platform_Lead_Id__c != null ORDER BY "
                                                     "Id LIMIT %1")
                                          .arg(count + skip)))))
                  .object();
        const QJsonArray records = page.value(QStringLiteral("records")).toArray();
        if (records.size() != count + skip)
            return {};
        QList<QPair<QString, QString>> leads;
        for (qsizetype i = skip; i < records.size(); ++i) {
            const QJsonObject r = records.at(i).toObject();
            leads.append({r.value(QStringLiteral("Id")).toString(),
                          r.value(QStringLiteral("Platform_Lead_Id__c")).toString()});
        }
        return leads;
    }

    // PATCHes a lead as `user`; whether Salesforce accepted it.
    bool patchLead(const SalesforceUser &user, const QString &id, const QJsonObject &fields)
    {
        QNetworkReply *reply = m_nam.sendCustomRequest(
            userRequest(user, user.base + QStringLiteral("/sobjects/Lead/") + id), "PATCH",
            QJsonDocument(fields).toJson());
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 60'000))
            return false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status == 204;
    }

    // Writes to Salesforce as a Salesforce user would (its own login, no LeadBridge call
    // options): `fields` set on the first `count` leads that came from the platform. Their
    // platform ids; empty when a write failed.
    QStringList editLeadsAsAUser(int count, const QJsonObject &fields)
    {
        const auto user = signInAsAUser();
        if (!user)
            return {};
        const auto leads = platformLeadsInSalesforce(*user, count);
        if (leads.size() != count)
            return {};
        QStringList platformIds;
        for (const auto &[id, platformId] : leads) {
            if (!patchLead(*user, id, fields))
                return {};
            platformIds.append(platformId);
        }
        return platformIds;
    }

    // The platform's API writes after the `since`-th (its write log).
    QJsonArray platformWrites(qint64 since = 0)
    {
        QNetworkRequest r {QUrl(m_ready.value(QStringLiteral("platformUrl")).toString()
                                + QStringLiteral("/__sandbox/writes?since=")
                                + QString::number(since))};
        r.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
        return get(r).object().value(QStringLiteral("writes")).toArray();
    }

    // `leadbridge status --json`: what the running sync last reported.
    QJsonObject status()
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                {QStringLiteral("--profile"), m_profile, QStringLiteral("status"),
                 QStringLiteral("--json")});
        if (!p.waitForFinished(60'000))
            return {};
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

    // A lead as the platform holds it now (its API, with the sandbox's key).
    QJsonObject platformLead(const QString &id)
    {
        QNetworkRequest r {QUrl(m_ready.value(QStringLiteral("platformUrl")).toString()
                                + QStringLiteral("/v1/leads/") + id)};
        r.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
        return get(r).object();
    }

    QJsonDocument get(const QString &url) { return get(QNetworkRequest {QUrl(url)}); }
    QJsonDocument get(const QNetworkRequest &request) { return wait(m_nam.get(request)); }

private:
    static QNetworkRequest userRequest(const SalesforceUser &user, const QString &url)
    {
        QNetworkRequest r {QUrl(url)};
        r.setRawHeader("Authorization", "Bearer " + user.token);
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return r;
    }

    QJsonDocument wait(QNetworkReply *reply)
    {
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 60'000))
            return {};
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
        reply->deleteLater();
        return doc;
    }

    QProcess m_sandbox;
    QJsonObject m_ready;
    QTemporaryDir m_dir;
    QString m_profile;
    QString m_apiKey;
    QString m_store;
    QStringList m_sandboxArgs;
    QString m_webhookSecret;
    QJsonObject m_platformExtras;
    QJsonObject m_topExtras;
    QNetworkAccessManager m_nam;
};

} // namespace lb::test
