#include "PlatformTypes.h"

#include "PlatformTime.h"

#include <QJsonArray>

#include <cmath>
#include <limits>

namespace lb::platform {
namespace {

const QString kId = QStringLiteral("id");
const QString kUpdatedAt = QStringLiteral("updated_at");
const QString kVersion = QStringLiteral("version");

// Text without control characters and with every surrogate paired: what a name, an e-mail
// address or a status can hold. NUL bytes and broken UTF-16 never get further than this.
bool isCleanText(QStringView s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x20 || c == 0x7f)
            return false;
        if (QChar::isHighSurrogate(c)) {
            if (i + 1 >= s.size() || !QChar::isLowSurrogate(s[i + 1].unicode()))
                return false;
            ++i;
        } else if (QChar::isLowSurrogate(c)) {
            return false;
        }
    }
    return true;
}

// Reads fields of one JSON object and records what is wrong with them, so a caller gets every
// issue at once instead of the first one.
class FieldReader
{
public:
    FieldReader(const QJsonObject &json, QList<FieldIssue> &issues)
        : m_json(json)
        , m_issues(issues)
    { }

    void fail(const QString &field, const QString &code, const QString &message)
    {
        m_issues.append({field, code, message});
    }

    bool present(const QString &field) const
    {
        const auto it = m_json.constFind(field);
        return it != m_json.constEnd() && !it->isNull() && !it->isUndefined();
    }

    QString text(const QString &field, int maxLength = MaxTextLength, bool required = false)
    {
        const QJsonValue v = m_json.value(field);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(field, QStringLiteral("required"), field + QStringLiteral(" is required"));
            return {};
        }
        if (!v.isString()) {
            fail(field, QStringLiteral("invalid_type"), field + QStringLiteral(" must be text"));
            return {};
        }
        QString s = v.toString();
        if (s.size() > maxLength) {
            fail(field, QStringLiteral("too_long"),
                 QStringLiteral("%1 is %2 characters long; at most %3 are allowed")
                     .arg(field)
                     .arg(s.size())
                     .arg(maxLength));
            return {};
        }
        if (!isCleanText(s)) {
            fail(field, QStringLiteral("invalid_text"),
                 field + QStringLiteral(" contains control characters or broken Unicode"));
            return {};
        }
        if (required && s.isEmpty())
            fail(field, QStringLiteral("required"), field + QStringLiteral(" is required"));
        return s;
    }

    std::optional<QString> nullableText(const QString &field)
    {
        if (!present(field))
            return std::nullopt;
        QString s = text(field);
        return s.isEmpty() ? std::nullopt : std::optional<QString>(s);
    }

    QString id(const QString &field, bool required)
    {
        const QString s = text(field, MaxIdLength, required);
        if (!s.isEmpty() && !isValidRecordId(s))
            fail(field, QStringLiteral("invalid_format"),
                 field + QStringLiteral(" must be 1-64 letters, digits, '.', '_' or '-'"));
        return s;
    }

    qint64 integer(const QString &field, qint64 min, qint64 max, qint64 fallback,
                   bool required = false)
    {
        const QJsonValue v = m_json.value(field);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(field, QStringLiteral("required"), field + QStringLiteral(" is required"));
            return fallback;
        }
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || !std::isfinite(d) || std::floor(d) != d) {
            fail(field, QStringLiteral("invalid_type"),
                 field + QStringLiteral(" must be an integer"));
            return fallback;
        }
        if (d < double(min) || d > double(max)) {
            fail(field, QStringLiteral("out_of_range"),
                 QStringLiteral("%1 must be from %2 to %3").arg(field).arg(min).arg(max));
            return fallback;
        }
        return qint64(d);
    }

    double number(const QString &field)
    {
        const QJsonValue v = m_json.value(field);
        if (v.isUndefined() || v.isNull())
            return 0;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || !std::isfinite(d)) {
            fail(field, QStringLiteral("invalid_type"),
                 field + QStringLiteral(" must be a number"));
            return 0;
        }
        return d;
    }

    bool boolean(const QString &field, bool fallback)
    {
        const QJsonValue v = m_json.value(field);
        if (v.isUndefined() || v.isNull())
            return fallback;
        if (!v.isBool()) {
            fail(field, QStringLiteral("invalid_type"),
                 field + QStringLiteral(" must be true or false"));
            return fallback;
        }
        return v.toBool();
    }

    qint64 time(const QString &field, bool required)
    {
        const QJsonValue v = m_json.value(field);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(field, QStringLiteral("required"), field + QStringLiteral(" is required"));
            return 0;
        }
        const auto ms = v.isString() ? parsePlatformTimestamp(v.toString()) : std::nullopt;
        if (!ms) {
            fail(field, QStringLiteral("invalid_format"),
                 field
                     + QStringLiteral(" must be an RFC 3339 time such as "
                                      "2026-11-22T13:05:00.000Z"));
            return 0;
        }
        return *ms;
    }

    QStringList states(const QString &field)
    {
        const QJsonValue v = m_json.value(field);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray()) {
            fail(field, QStringLiteral("invalid_type"),
                 field + QStringLiteral(" must be a list of state codes"));
            return {};
        }
        const QJsonArray a = v.toArray();
        if (a.size() > 100) {
            fail(field, QStringLiteral("too_long"),
                 field + QStringLiteral(" has over 100 entries"));
            return {};
        }
        QStringList out;
        for (const QJsonValue &e : a) {
            const QString s = e.toString();
            if (!e.isString() || s.size() != 2 || !s[0].isUpper() || !s[1].isUpper()
                || s[0].unicode() > 127 || s[1].unicode() > 127) {
                fail(field, QStringLiteral("invalid_format"),
                     field + QStringLiteral(" must hold two-letter codes such as \"TX\""));
                return {};
            }
            out.append(s);
        }
        return out;
    }

private:
    const QJsonObject &m_json;
    QList<FieldIssue> &m_issues;
};

QJsonValue nullable(const std::optional<QString> &s)
{
    return s ? QJsonValue(*s) : QJsonValue(QJsonValue::Null);
}

} // namespace

namespace {

// The contract's range for a lead's score, and the wider one of a lead observed in a listing
// (any integer an int holds; the mapping decides the rest).
struct ScoreRange
{
    qint64 min = 0;
    qint64 max = 100;
};

PlatformLead readLead(const QJsonObject &json, QList<FieldIssue> &issues, ScoreRange scores);

} // namespace

PlatformLead PlatformLead::read(const QJsonObject &json, QList<FieldIssue> &issues)
{
    return readLead(json, issues, ScoreRange {});
}

namespace {

PlatformLead readLead(const QJsonObject &json, QList<FieldIssue> &issues, ScoreRange scores)
{
    FieldReader r(json, issues);
    PlatformLead lead;
    lead.id = r.id(kId, true);
    lead.firstName = r.text(QStringLiteral("first_name"));
    lead.lastName = r.text(QStringLiteral("last_name"));
    lead.company = r.text(QStringLiteral("company"));
    lead.email = r.text(QStringLiteral("email"));
    lead.phone = r.text(QStringLiteral("phone"));
    lead.status = r.text(QStringLiteral("status"));
    lead.source = r.text(QStringLiteral("source"));
    lead.score = int(r.integer(QStringLiteral("score"), scores.min, scores.max, 0));
    lead.value = r.number(QStringLiteral("value"));
    lead.agentId = r.nullableText(QStringLiteral("agent_id"));
    lead.eligible = r.boolean(QStringLiteral("eligible"), false);
    lead.salesforceId = r.nullableText(QStringLiteral("salesforce_id"));
    lead.updatedAt = r.time(kUpdatedAt, true);
    lead.updatedBy = r.text(QStringLiteral("updated_by"));
    lead.version = r.integer(kVersion, 1, Q_INT64_C(1) << 53, 0, true);
    return lead;
}

} // namespace

PlatformTombstone PlatformTombstone::read(const QJsonObject &json, QList<FieldIssue> &issues)
{
    FieldReader r(json, issues);
    PlatformTombstone t;
    t.id = r.id(kId, true);
    if (json.value(QStringLiteral("deleted")) != QJsonValue(true))
        r.fail(QStringLiteral("deleted"), QStringLiteral("invalid_value"),
               QStringLiteral("deleted must be true on a tombstone"));
    t.deletedAt = r.time(QStringLiteral("deleted_at"), true);
    t.updatedAt = r.time(kUpdatedAt, true);
    t.updatedBy = r.text(QStringLiteral("updated_by"));
    t.version = r.integer(kVersion, 1, Q_INT64_C(1) << 53, 0, true);
    return t;
}

PlatformAgent PlatformAgent::read(const QJsonObject &json, QList<FieldIssue> &issues)
{
    FieldReader r(json, issues);
    PlatformAgent agent;
    agent.id = r.id(kId, true);
    agent.name = r.text(QStringLiteral("name"));
    agent.email = r.text(QStringLiteral("email"));
    agent.active = r.boolean(QStringLiteral("active"), true);
    agent.eligible = r.boolean(QStringLiteral("eligible"), false);
    agent.states = r.states(QStringLiteral("states"));
    agent.capacity = int(r.integer(QStringLiteral("capacity"), 0, 1'000'000, 0));
    agent.salesforceId = r.nullableText(QStringLiteral("salesforce_id"));
    agent.updatedAt = r.time(kUpdatedAt, true);
    agent.version = r.integer(kVersion, 1, Q_INT64_C(1) << 53, 0, true);
    return agent;
}

namespace {

Error invalid(const QString &what, const QString &id, const QList<FieldIssue> &issues)
{
    Error e
        = makeError(QStringLiteral("invalid_record"),
                    QStringLiteral("The platform sent an invalid %1%2: %3")
                        .arg(what, id.isEmpty() ? QString() : u' ' + id, describeIssues(issues)));
    e.details.insert(QStringLiteral("issues"), issuesToJson(issues));
    return e;
}

} // namespace

bool isValidRecordId(QStringView id)
{
    if (id.isEmpty() || id.size() > MaxIdLength)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        const char16_t c = id[i].unicode();
        const bool alnum
            = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        if (!alnum && (i == 0 || (c != u'.' && c != u'_' && c != u'-')))
            return false;
    }
    return true;
}

QJsonArray issuesToJson(const QList<FieldIssue> &issues)
{
    QJsonArray list;
    for (const FieldIssue &i : issues)
        list.append(QJsonObject {{QStringLiteral("field"), i.field},
                                 {QStringLiteral("code"), i.code},
                                 {QStringLiteral("message"), i.message}});
    return list;
}

QString describeIssues(const QList<FieldIssue> &issues)
{
    QStringList parts;
    for (const FieldIssue &i : issues)
        parts.append(i.message.isEmpty() ? i.field + u": " + i.code : i.message);
    return parts.join(QStringLiteral("; "));
}

QJsonObject PlatformLead::toJson() const
{
    QJsonObject o = toWriteJson();
    o.insert(QStringLiteral("updated_by"), updatedBy);
    o.insert(kUpdatedAt,
             version > 0 ? QJsonValue(formatPlatformTimestamp(updatedAt)) : QJsonValue());
    o.insert(kVersion, version);
    return o;
}

QJsonObject PlatformLead::toWriteJson() const
{
    return QJsonObject {
        {kId, id},
        {QStringLiteral("first_name"), firstName},
        {QStringLiteral("last_name"), lastName},
        {QStringLiteral("company"), company},
        {QStringLiteral("email"), email},
        {QStringLiteral("phone"), phone},
        {QStringLiteral("status"), status},
        {QStringLiteral("source"), source},
        {QStringLiteral("score"), score},
        {QStringLiteral("value"), value},
        {QStringLiteral("agent_id"), nullable(agentId)},
        {QStringLiteral("eligible"), eligible},
        {QStringLiteral("salesforce_id"), nullable(salesforceId)},
        {QStringLiteral("updated_by"),
         updatedBy.isEmpty() ? QStringLiteral("salesforce") : updatedBy},
    };
}

Result<PlatformLead> PlatformLead::fromJson(const QJsonObject &json)
{
    QList<FieldIssue> issues;
    PlatformLead lead = read(json, issues);
    if (!issues.isEmpty())
        return invalid(QStringLiteral("lead"), lead.id, issues);
    return lead;
}

Result<PlatformLead> PlatformLead::fromObserved(const QJsonObject &json)
{
    QList<FieldIssue> issues;
    PlatformLead lead
        = readLead(json, issues,
                   ScoreRange {std::numeric_limits<int>::min(), std::numeric_limits<int>::max()});
    if (!issues.isEmpty())
        return invalid(QStringLiteral("lead"), lead.id, issues);
    return lead;
}

QList<FieldIssue> PlatformLead::check(const QJsonObject &json)
{
    QList<FieldIssue> issues;
    (void)read(json, issues);
    return issues;
}

bool PlatformTombstone::isTombstone(const QJsonObject &json)
{
    return json.value(QStringLiteral("deleted")) == QJsonValue(true);
}

QJsonObject PlatformTombstone::toJson() const
{
    return QJsonObject {
        {kId, id},
        {QStringLiteral("deleted"), true},
        {QStringLiteral("deleted_at"), formatPlatformTimestamp(deletedAt)},
        {kUpdatedAt, formatPlatformTimestamp(updatedAt)},
        {QStringLiteral("updated_by"), updatedBy},
        {kVersion, version},
    };
}

Result<PlatformTombstone> PlatformTombstone::fromJson(const QJsonObject &json)
{
    QList<FieldIssue> issues;
    PlatformTombstone t = read(json, issues);
    if (!issues.isEmpty())
        return invalid(QStringLiteral("tombstone"), t.id, issues);
    return t;
}

QJsonObject PlatformAgent::toJson() const
{
    QJsonObject o = toWriteJson();
    o.insert(kUpdatedAt,
             version > 0 ? QJsonValue(formatPlatformTimestamp(updatedAt)) : QJsonValue());
    o.insert(kVersion, version);
    return o;
}

QJsonObject PlatformAgent::toWriteJson() const
{
    return QJsonObject {
        {kId, id},
        {QStringLiteral("name"), name},
        {QStringLiteral("email"), email},
        {QStringLiteral("active"), active},
        {QStringLiteral("eligible"), eligible},
        {QStringLiteral("states"), QJsonArray::fromStringList(states)},
        {QStringLiteral("capacity"), capacity},
        {QStringLiteral("salesforce_id"), nullable(salesforceId)},
    };
}

Result<PlatformAgent> PlatformAgent::fromJson(const QJsonObject &json)
{
    QList<FieldIssue> issues;
    PlatformAgent agent = read(json, issues);
    if (!issues.isEmpty())
        return invalid(QStringLiteral("agent"), agent.id, issues);
    return agent;
}

QList<FieldIssue> PlatformAgent::check(const QJsonObject &json)
{
    QList<FieldIssue> issues;
    (void)read(json, issues);
    return issues;
}

} // namespace lb::platform
