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

namespace lb::test {

class SandboxProcessRun
{
public:
    ~SandboxProcessRun()
    {
        m_sandbox.terminate();
        m_sandbox.waitForFinished(10'000);
    }

    // Starts the sandbox with `leads` generated platform leads and writes a profile for it
    // (SQLite store in a temporary folder, Salesforce polled every 2 s, short leases).
    bool start(int leads, const QString &apiKey)
    {
        m_apiKey = apiKey;
        m_sandbox.start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                        {QStringLiteral("--platform-generate"), QString::number(leads),
                         QStringLiteral("--platform-api-key"), apiKey,
                         QStringLiteral("--save-interval"), QStringLiteral("0")});
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
        const QJsonObject profile {
            {QStringLiteral("name"), QStringLiteral("e2e")},
            {QStringLiteral("salesforce"),
             QJsonObject {{QStringLiteral("login_url"), m_ready.value(QStringLiteral("loginUrl"))},
                          {QStringLiteral("auth_flow"), QStringLiteral("password")},
                          {QStringLiteral("client_id"), m_ready.value(QStringLiteral("clientId"))},
                          {QStringLiteral("username"), m_ready.value(QStringLiteral("username"))},
                          // Paced by the 2 s poll; the stream is tested apart.
                          {QStringLiteral("changes"), QStringLiteral("poll")}}},
            {QStringLiteral("platform"),
             QJsonObject {
                 {QStringLiteral("base_url"), m_ready.value(QStringLiteral("platformUrl"))}}},
            {QStringLiteral("store"),
             QString(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("e2e.db")))},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}},
            {QStringLiteral("sync"),
             QJsonObject {{QStringLiteral("poll_interval_s"), 2},
                          {QStringLiteral("batch_size"), 500},
                          {QStringLiteral("lease_s"), 5},
                          {QStringLiteral("retry_base_ms"), 50}}}};
        return f.write(QJsonDocument(profile).toJson()) > 0;
    }

    const QString &profile() const { return m_profile; }
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

    // The sandbox org's counters and write log.
    QJsonObject stats()
    {
        return get(m_ready.value(QStringLiteral("instanceUrl")).toString()
                   + QStringLiteral("/__sandbox/stats?limit=10000000"))
            .object();
    }

    // Writes to Salesforce as a Salesforce user would (its own login, no LeadBridge call
    // options): `fields` set on the first `count` leads that came from the platform. Their
    // platform ids; empty when a write failed.
    QStringList editLeadsAsAUser(int count, const QJsonObject &fields)
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
            return {};
        const QString base = instance + QStringLiteral("/services/data/v61.0");
        auto request = [&](const QString &url) {
            QNetworkRequest r {QUrl(url)};
            r.setRawHeader("Authorization", "Bearer " + access.toUtf8());
            r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            return r;
        };
        const QJsonObject page
            = get(request(base + QStringLiteral("/query?q=")
                          + QString::fromUtf8(QUrl::toPercentEncoding(
                              QStringLiteral("SELECT Id, Platform_Lead_Id__c FROM Lead WHERE "
                                             "Platform_Lead_Id__c != null ORDER BY Id LIMIT %1")
                                  .arg(count)))))
                  .object();
        const QJsonArray records = page.value(QStringLiteral("records")).toArray();
        if (records.size() != count)
            return {};
        QStringList platformIds;
        for (const QJsonValue &v : records) {
            const QString id = v.toObject().value(QStringLiteral("Id")).toString();
            platformIds.append(
                v.toObject().value(QStringLiteral("Platform_Lead_Id__c")).toString());
            QNetworkReply *reply
                = m_nam.sendCustomRequest(request(base + QStringLiteral("/sobjects/Lead/") + id),
                                          "PATCH", QJsonDocument(fields).toJson());
            if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 60'000))
                return {};
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            reply->deleteLater();
            if (status != 204)
                return {};
        }
        return platformIds;
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
    QNetworkAccessManager m_nam;
};

} // namespace lb::test
