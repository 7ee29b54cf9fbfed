#pragma once

// Mixed two-way traffic against `leadbridge-sandbox` while `leadbridge sync` runs (and is killed
// or frozen): platform users edit and delete leads and tell the engine by signed webhooks,
// Salesforce users edit and delete leads (the engine hears of it on the change stream or its
// poll). Each lead is touched at most once, so the final state of both systems is known, and
// the same change written twice to one record shows in the sandboxes' write logs.
#include "SandboxProcessRun.h"
#include "platform/WebhookSignature.h"

#include <QDateTime>
#include <QHash>
#include <QRandomGenerator>
#include <QSet>

#include <algorithm>

namespace lb::test {

class TwoWayTraffic
{
public:
    struct Answer
    {
        int status = 0; // 0: no answer (connection refused, reset, timed out)
        QJsonObject body;
    };

    TwoWayTraffic(SandboxProcessRun &run, QByteArray platformApiKey, quint16 webhookPort,
                  QByteArray webhookSecret)
        : m_run(run)
        , m_apiKey(std::move(platformApiKey))
        , m_webhookPort(webhookPort)
        , m_secret(std::move(webhookSecret))
    { }

    // Signs in as a Salesforce user and lists the platform's leads; before the first step().
    bool init()
    {
        m_user = m_run.signInAsAUser();
        if (!m_user)
            return false;
        const auto leads = platformLeads();
        for (auto it = leads.cbegin(); it != leads.cend(); ++it)
            m_untouched.append(it.key());
        std::sort(m_untouched.begin(), m_untouched.end());
        return !m_untouched.isEmpty();
    }

    // One change by a user on either side, chosen by `random`.
    void step(QRandomGenerator &random)
    {
        if (m_untouched.size() < 2)
            return;
        const QString id = m_untouched.takeAt(int(random.bounded(qint64(m_untouched.size()))));
        const QString tag = QString::number(++m_counter);
        switch (random.bounded(4)) {
        case 0:
            platformEdit(id, QStringLiteral("P") + tag);
            break;
        case 1:
            platformDelete(id);
            break;
        case 2:
            salesforceEdit(id, QStringLiteral("S") + tag);
            break;
        default:
            salesforceDelete(id);
            break;
        }
    }

    // Changes made so far, by kind; webhooks the engine answered 2xx and those sent.
    QString summary() const
    {
        return QStringLiteral("%1 platform edits, %2 platform deletes, %3 Salesforce edits, %4 "
                              "Salesforce deletes, %5 of %6 webhooks acknowledged")
            .arg(m_platformEdits.size())
            .arg(m_platformDeletes.size())
            .arg(m_salesforceEdits.size())
            .arg(m_salesforceDeletes.size())
            .arg(m_acked.size())
            .arg(m_webhooksSent);
    }
    const QStringList &acknowledgedWebhooks() const { return m_acked; }
    qint64 deletions() const { return m_platformDeletes.size() + m_salesforceDeletes.size(); }
    qint64 changes() const
    {
        return m_platformEdits.size() + m_salesforceEdits.size() + deletions();
    }

    // Where the two systems differ from what the users did ("" when they converged): every
    // lead alive on both sides or deleted on both, each user's edit on the other side.
    QString divergence()
    {
        const QHash<QString, QJsonObject> platform = platformLeads();
        const QHash<QString, QJsonObject> salesforce = salesforceLeads();
        if (platform.isEmpty() || !m_salesforceReadOk)
            return QStringLiteral("could not read the leads of both sides");
        QStringList wrong;
        for (auto it = platform.cbegin(); it != platform.cend() && wrong.size() < 20; ++it) {
            const QString &id = it.key();
            const bool deleted = m_platformDeletes.contains(id) || m_salesforceDeletes.contains(id);
            const bool platformDeleted = it->value(QStringLiteral("deleted")).toBool();
            if (platformDeleted != deleted)
                wrong << QStringLiteral("%1: platform deleted=%2, expected %3")
                             .arg(id)
                             .arg(platformDeleted)
                             .arg(deleted);
            if (salesforce.contains(id) == deleted)
                wrong << QStringLiteral("%1: %2 in Salesforce")
                             .arg(id, deleted ? QStringLiteral("still") : QStringLiteral("not"));
            if (m_platformEdits.contains(id)
                && salesforce.value(id).value(QStringLiteral("FirstName")).toString()
                    != m_platformEdits.value(id))
                wrong << QStringLiteral("%1: Salesforce FirstName %2, expected %3")
                             .arg(
                                 id,
                                 salesforce.value(id).value(QStringLiteral("FirstName")).toString(),
                                 m_platformEdits.value(id));
            if (m_salesforceEdits.contains(id)
                && it->value(QStringLiteral("first_name")).toString()
                    != m_salesforceEdits.value(id))
                wrong << QStringLiteral("%1: platform first_name %2, expected %3")
                             .arg(id, it->value(QStringLiteral("first_name")).toString(),
                                  m_salesforceEdits.value(id));
        }
        for (auto it = salesforce.cbegin(); it != salesforce.cend() && wrong.size() < 20; ++it)
            if (!platform.contains(it.key()))
                wrong << QStringLiteral("%1 is in Salesforce only").arg(it.key());
        return wrong.join(u'\n');
    }

    // LeadBridge's writes that repeated a change already written, counted at both sandboxes:
    // a record whose same fields it changed twice by the same operation (each lead is changed
    // by its users at most once, so every change LeadBridge carries is written once).
    struct Repeats
    {
        qint64 salesforceWrites = 0; // LeadBridge's writes that changed something
        qint64 platformWrites = 0;
        // Writes that changed nothing (a retried write whose first try had landed): not a
        // change written twice, counted to show how often it happens.
        qint64 unchanged = 0;
        QStringList repeated; // "salesforce:<platform id>:<operation>:<fields>" ...
    };
    Repeats repeats()
    {
        Repeats r;
        QHash<QString, int> seen;
        for (const QJsonValue &v : m_run.stats().value(QStringLiteral("writeLog")).toArray()) {
            const QJsonObject w = v.toObject();
            if (w.value(QStringLiteral("object")).toString() != QLatin1String("Lead")
                || w.value(QStringLiteral("client")).isNull())
                continue;
            if (!w.value(QStringLiteral("changed")).toBool()) {
                ++r.unchanged;
                continue;
            }
            ++r.salesforceWrites;
            const QString record = w.value(QStringLiteral("externalId")).isString()
                ? w.value(QStringLiteral("externalId")).toString()
                : w.value(QStringLiteral("id")).toString();
            ++seen[QStringLiteral("salesforce:%1:%2:%3")
                       .arg(record, w.value(QStringLiteral("operation")).toString(),
                            fieldsOf(w.value(QStringLiteral("changedFields"))))];
        }
        for (const QJsonValue &v : m_run.platformWrites(0)) {
            const QJsonObject w = v.toObject();
            if (w.value(QStringLiteral("entity")).toString() != QLatin1String("lead")
                || w.value(QStringLiteral("updated_by")).toString() != QLatin1String("salesforce"))
                continue;
            if (!w.value(QStringLiteral("changed")).toBool()) {
                ++r.unchanged;
                continue;
            }
            ++r.platformWrites;
            ++seen[QStringLiteral("platform:%1:%2")
                       .arg(w.value(QStringLiteral("id")).toString(),
                            fieldsOf(w.value(QStringLiteral("changed_fields"))))];
        }
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            if (it.value() > 1)
                r.repeated << QStringLiteral("%1 x%2").arg(it.key()).arg(it.value());
        r.repeated.sort();
        return r;
    }

    // Every platform lead (tombstones included) by id.
    QHash<QString, QJsonObject> platformLeads()
    {
        QHash<QString, QJsonObject> out;
        QString cursor;
        do {
            QUrl url(platformUrl(QStringLiteral("/v1/leads")));
            QUrlQuery q {{QStringLiteral("limit"), QStringLiteral("500")}};
            if (!cursor.isEmpty())
                q.addQueryItem(QStringLiteral("cursor"), cursor);
            url.setQuery(q);
            const Answer page = send("GET", platformRequest(url));
            if (page.status != 200)
                return {};
            for (const QJsonValue &v : page.body.value(QStringLiteral("data")).toArray())
                out.insert(v.toObject().value(QStringLiteral("id")).toString(), v.toObject());
            cursor = page.body.value(QStringLiteral("next_cursor")).toString();
        } while (!cursor.isEmpty());
        return out;
    }

    // Salesforce's live leads that came from the platform, by platform id.
    QHash<QString, QJsonObject> salesforceLeads()
    {
        QHash<QString, QJsonObject> out;
        m_salesforceReadOk = false;
        QString next = m_user->base + QStringLiteral("/query?q=")
            + QString::fromUtf8(QUrl::toPercentEncoding(
                QStringLiteral("SELECT Id, Platform_Lead_Id__c, FirstName FROM Lead WHERE "
                               "Platform_Lead_Id__c != null")));
        while (!next.isEmpty()) {
            const Answer page = send("GET", userRequest(QUrl(next)));
            if (page.status != 200)
                return {};
            for (const QJsonValue &v : page.body.value(QStringLiteral("records")).toArray())
                out.insert(v.toObject().value(QStringLiteral("Platform_Lead_Id__c")).toString(),
                           v.toObject());
            const QString more = page.body.value(QStringLiteral("nextRecordsUrl")).toString();
            next = more.isEmpty()
                ? QString()
                : m_run.ready().value(QStringLiteral("instanceUrl")).toString() + more;
        }
        m_salesforceReadOk = true;
        return out;
    }

private:
    static QString fieldsOf(const QJsonValue &list)
    {
        QStringList fields;
        for (const QJsonValue &f : list.toArray())
            fields << f.toString();
        fields.sort();
        return fields.join(u',');
    }

    QString platformUrl(const QString &path) const
    {
        return m_run.ready().value(QStringLiteral("platformUrl")).toString() + path;
    }

    QNetworkRequest platformRequest(const QUrl &url) const
    {
        QNetworkRequest r(url);
        r.setRawHeader("Authorization", "Bearer " + m_apiKey);
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return r;
    }

    QNetworkRequest userRequest(const QUrl &url) const
    {
        QNetworkRequest r(url);
        r.setRawHeader("Authorization", "Bearer " + m_user->token);
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        return r;
    }

    Answer send(const QByteArray &method, QNetworkRequest request, const QByteArray &body = {})
    {
        request.setTransferTimeout(30'000);
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        (void)QTest::qWaitFor([&] { return reply->isFinished(); }, 60'000);
        Answer a;
        if (reply->isFinished()) {
            a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            a.body = QJsonDocument::fromJson(reply->readAll()).object();
        } else {
            reply->abort();
        }
        reply->deleteLater();
        return a;
    }

    // The platform tells the engine as its dispatcher would: a signed event per change. The
    // engine may be dead or dying; only a 2xx answer is a promise to keep.
    void webhook(const QString &type, const QJsonObject &lead)
    {
        if (m_webhookPort == 0) // no receiver: the platform poll alone carries the change
            return;
        const QString eventId = QStringLiteral("evt-crash-%1").arg(++m_webhooksSent);
        const QByteArray body
            = QJsonDocument(
                  QJsonObject {{QStringLiteral("event_id"), eventId},
                               {QStringLiteral("type"), type},
                               {QStringLiteral("occurred_at"),
                                QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                               {QStringLiteral("data"), lead}})
                  .toJson(QJsonDocument::Compact);
        QNetworkRequest r(
            QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(m_webhookPort)));
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        r.setRawHeader(
            platform::WebhookSignature::HeaderName,
            platform::WebhookSignature::header(m_secret, QDateTime::currentSecsSinceEpoch(), body));
        r.setTransferTimeout(10'000);
        const Answer a = send("POST", r, body);
        if (a.status >= 200 && a.status < 300)
            m_acked << eventId;
    }

    void platformEdit(const QString &id, const QString &name)
    {
        const Answer a
            = send("PATCH", platformRequest(QUrl(platformUrl(QStringLiteral("/v1/leads/") + id))),
                   QJsonDocument(QJsonObject {{QStringLiteral("first_name"), name},
                                              {QStringLiteral("updated_by"),
                                               QStringLiteral("crash-test-user")}})
                       .toJson());
        if (a.status != 200)
            return m_untouched.append(id); // not changed: free for another step
        m_platformEdits.insert(id, name);
        webhook(QStringLiteral("lead.updated"), a.body);
    }

    void platformDelete(const QString &id)
    {
        const QUrl url(platformUrl(QStringLiteral("/v1/leads/") + id));
        if (send("DELETE", platformRequest(url)).status != 204)
            return m_untouched.append(id);
        m_platformDeletes.insert(id);
        const Answer tombstone = send("GET", platformRequest(url)); // 410 with the tombstone
        webhook(QStringLiteral("lead.deleted"),
                tombstone.body.value(QStringLiteral("current")).toObject());
    }

    // The lead's Salesforce Id, empty while the engine has not brought it there yet.
    QString salesforceId(const QString &platformId)
    {
        const Answer a = send(
            "GET",
            userRequest(QUrl(m_user->base + QStringLiteral("/query?q=")
                             + QString::fromUtf8(QUrl::toPercentEncoding(
                                 QStringLiteral("SELECT Id FROM Lead WHERE Platform_Lead_Id__c "
                                                "= '%1'")
                                     .arg(platformId))))));
        const QJsonArray records = a.body.value(QStringLiteral("records")).toArray();
        return records.size() == 1
            ? records.first().toObject().value(QStringLiteral("Id")).toString()
            : QString();
    }

    void salesforceEdit(const QString &id, const QString &name)
    {
        const QString sfId = salesforceId(id);
        if (sfId.isEmpty()
            || !m_run.patchLead(*m_user, sfId, {{QStringLiteral("FirstName"), name}}))
            return m_untouched.append(id);
        m_salesforceEdits.insert(id, name);
    }

    void salesforceDelete(const QString &id)
    {
        const QString sfId = salesforceId(id);
        if (sfId.isEmpty()
            || send("DELETE",
                    userRequest(QUrl(m_user->base + QStringLiteral("/sobjects/Lead/") + sfId)))
                    .status
                != 204)
            return m_untouched.append(id);
        m_salesforceDeletes.insert(id);
    }

    SandboxProcessRun &m_run;
    QByteArray m_apiKey;
    quint16 m_webhookPort;
    QByteArray m_secret;
    std::optional<SandboxProcessRun::SalesforceUser> m_user;
    QNetworkAccessManager m_nam;
    QStringList m_untouched;
    QHash<QString, QString> m_platformEdits; // platform id -> first name expected in Salesforce
    QHash<QString, QString> m_salesforceEdits; // platform id -> first name expected there
    QSet<QString> m_platformDeletes;
    QSet<QString> m_salesforceDeletes;
    QStringList m_acked;
    qint64 m_webhooksSent = 0;
    qint64 m_counter = 0;
    bool m_salesforceReadOk = false;
};

} // namespace lb::test
