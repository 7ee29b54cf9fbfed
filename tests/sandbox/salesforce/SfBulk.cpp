#include "SfBulk.h"

#include <QDeadlineTimer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace lb::test {

WireReply SfBulk::create(const QString &kind, const QJsonObject &body)
{
    return m_wire.rest("POST", u"/jobs/"_s + kind, body);
}

WireReply SfBulk::upload(const QString &jobId, const QByteArray &csv)
{
    return m_wire.send(
        "PUT", m_sandbox.restBaseUrl() + u"/jobs/ingest/"_s + jobId + u"/batches"_s, csv,
        {{"Authorization", "Bearer " + m_wire.token.toLatin1()}, {"Content-Type", "text/csv"}});
}

WireReply SfBulk::setState(const QString &kind, const QString &jobId, const QString &state)
{
    return m_wire.rest("PATCH", u"/jobs/"_s + kind + u'/' + jobId,
                       QJsonObject {{u"state"_s, state}});
}

WireReply SfBulk::info(const QString &kind, const QString &jobId)
{
    return m_wire.rest("GET", u"/jobs/"_s + kind + u'/' + jobId);
}

WireReply SfBulk::get(const QString &path)
{
    return m_wire.rest("GET", path);
}

QJsonObject SfBulk::waitDone(const QString &kind, const QString &jobId)
{
    const QDeadlineTimer deadline(20'000);
    QJsonObject job;
    while (!deadline.hasExpired()) {
        job = info(kind, jobId).object();
        const QString state = job.value(u"state").toString();
        if (state == "JobComplete"_L1 || state == "Failed"_L1 || state == "Aborted"_L1)
            return job;
        QTest::qWait(5);
    }
    return job;
}

QJsonObject SfBulk::ingest(const QJsonObject &job, const QByteArray &csv)
{
    const WireReply created = create(u"ingest"_s, job);
    const QString id = created.object().value(u"id").toString();
    if (created.status != 200 || upload(id, csv).status != 201
        || setState(u"ingest"_s, id, u"UploadComplete"_s).status != 200)
        return {};
    return waitDone(u"ingest"_s, id);
}

} // namespace lb::test
