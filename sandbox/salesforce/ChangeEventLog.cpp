#include "ChangeEventLog.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

// A stable 22-character schema id per entity, shaped like Salesforce's.
QString schemaIdFor(const QString &entityName)
{
    const QByteArray hash = QCryptographicHash::hash(
        QByteArray(entityName.toUtf8() + "ChangeEvent"), QCryptographicHash::Sha1);
    return QString::fromLatin1(
        hash.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals).left(22));
}

// Events of one transaction that carry the same change are merged (several recordIds).
bool sameChange(const ChangeEvent &a, const ChangeEvent &b)
{
    return a.entityName == b.entityName && a.changeType == b.changeType
        && a.changeOrigin == b.changeOrigin && a.commitUser == b.commitUser
        && a.changedFields == b.changedFields && a.fields == b.fields;
}

} // namespace

QString ChangeEvent::channelFor(const QString &entityName)
{
    QString base = entityName;
    if (base.endsWith("__c"_L1))
        base.chop(1); // People__c -> People__
    return u"/data/"_s + base + u"ChangeEvent"_s;
}

QJsonObject ChangeEvent::toData() const
{
    QJsonObject header {
        {u"entityName"_s, entityName},
        {u"recordIds"_s, QJsonArray::fromStringList(recordIds)},
        {u"changeType"_s, changeType},
        {u"changeOrigin"_s, changeOrigin},
        {u"transactionKey"_s, transactionKey},
        {u"sequenceNumber"_s, sequenceNumber},
        {u"commitTimestamp"_s, commitTimestamp},
        {u"commitNumber"_s, commitNumber},
        {u"commitUser"_s, commitUser},
        {u"changedFields"_s, QJsonArray::fromStringList(changedFields)},
    };
    QJsonObject payload = fields;
    payload.insert(u"ChangeEventHeader"_s, header);
    return QJsonObject {
        {u"schema"_s, schemaIdFor(entityName)},
        {u"event"_s, QJsonObject {{u"replayId"_s, replayId}}},
        {u"payload"_s, payload},
    };
}

bool ChangeEventLog::tracks(const QString &entityName)
{
    return entityName == "Lead"_L1 || entityName == "People__c"_L1;
}

void ChangeEventLog::stage(ChangeEvent event)
{
    m_staged.append(std::move(event));
}

void ChangeEventLog::dropStagedAfter(qsizetype count)
{
    if (m_staged.size() > count)
        m_staged.resize(count);
}

void ChangeEventLog::commit()
{
    if (m_staged.isEmpty())
        return;
    QList<ChangeEvent> merged;
    for (ChangeEvent &e : m_staged) {
        if (!merged.isEmpty() && sameChange(merged.last(), e)
            && !merged.last().recordIds.contains(e.recordIds.constFirst())) {
            merged.last().recordIds.append(e.recordIds);
            continue;
        }
        merged.append(std::move(e));
    }
    m_staged.clear();
    append(std::move(merged));
}

void ChangeEventLog::publish(QList<ChangeEvent> events, qint64 nowMs)
{
    for (ChangeEvent &e : events)
        e.commitTimestamp = nowMs;
    append(std::move(events));
}

void ChangeEventLog::append(QList<ChangeEvent> events)
{
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 commitNumber = m_nextCommitNumber++;
    int sequence = 0;
    for (ChangeEvent &e : events) {
        e.replayId = m_nextReplayId++;
        e.transactionKey = key;
        e.sequenceNumber = ++sequence;
        e.commitNumber = commitNumber;
        m_retained.push_back(e);
    }
    if (m_listener)
        m_listener(events);
}

void ChangeEventLog::expire(qint64 nowMs)
{
    while (!m_retained.empty() && m_retained.front().commitTimestamp < nowMs - kRetentionMs) {
        m_expiredUpTo = m_retained.front().replayId;
        m_retained.pop_front();
    }
}

void ChangeEventLog::expireAll()
{
    if (!m_retained.empty())
        m_expiredUpTo = m_retained.back().replayId;
    m_retained.clear();
}

void ChangeEventLog::clear()
{
    m_staged.clear();
    expireAll();
}

bool ChangeEventLog::isValidReplayId(qint64 replayId) const
{
    return replayId >= m_expiredUpTo && replayId <= lastReplayId();
}

QList<ChangeEvent> ChangeEventLog::after(qint64 after) const
{
    QList<ChangeEvent> out;
    for (const ChangeEvent &e : m_retained) {
        if (e.replayId > after)
            out.append(e);
    }
    return out;
}

} // namespace lb::sandbox
