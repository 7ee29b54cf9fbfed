#include "PlatformRecordInput.h"

#include <QJsonArray>

#include <cmath>

namespace lb::sandbox {
namespace {

using platform::MaxTextLength;

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

// Reads one body, field by field, collecting issues.
class BodyReader
{
public:
    BodyReader(const QJsonObject &body, QList<FieldIssue> &issues, QStringList &written)
        : m_body(body)
        , m_issues(issues)
        , m_written(written)
    { }

    void fail(const QString &field, const char *code, const QString &message)
    {
        m_issues.append({field, QString::fromLatin1(code), message});
    }

    // Whether the body names `field`; marks it as known and written.
    bool has(const QString &field, bool data = true)
    {
        m_known.append(field);
        if (!m_body.contains(field))
            return false;
        if (data)
            m_written.append(field);
        return true;
    }

    bool text(const QString &field, QString &out, int maxLength = MaxTextLength)
    {
        if (!has(field))
            return false;
        const QJsonValue v = m_body.value(field);
        if (v.isNull()) {
            out.clear();
            return true;
        }
        if (!v.isString()) {
            fail(field, "invalid_type", field + QStringLiteral(" must be text"));
            return false;
        }
        const QString s = v.toString();
        if (s.size() > maxLength) {
            fail(field, "too_long",
                 QStringLiteral("%1 may hold at most %2 characters").arg(field).arg(maxLength));
            return false;
        }
        if (!isCleanText(s)) {
            fail(field, "invalid_text",
                 field + QStringLiteral(" contains control characters or broken Unicode"));
            return false;
        }
        out = s;
        return true;
    }

    bool nullableId(const QString &field, std::optional<QString> &out,
                    bool (*valid)(const QString &), const QString &what)
    {
        if (!has(field))
            return false;
        const QJsonValue v = m_body.value(field);
        if (v.isNull()) {
            out.reset();
            return true;
        }
        if (!v.isString() || !valid(v.toString())) {
            fail(field, "invalid_format", field + QStringLiteral(" must be null or ") + what);
            return false;
        }
        out = v.toString();
        return true;
    }

    bool integer(const QString &field, int &out, int min, int max)
    {
        if (!has(field))
            return false;
        const QJsonValue v = m_body.value(field);
        const double d = v.toDouble();
        if (!v.isDouble() || !std::isfinite(d) || std::floor(d) != d) {
            fail(field, "invalid_type", field + QStringLiteral(" must be an integer"));
            return false;
        }
        if (d < min || d > max) {
            fail(field, "out_of_range",
                 QStringLiteral("%1 must be from %2 to %3").arg(field).arg(min).arg(max));
            return false;
        }
        out = int(d);
        return true;
    }

    bool number(const QString &field, double &out)
    {
        if (!has(field))
            return false;
        const QJsonValue v = m_body.value(field);
        const double d = v.toDouble();
        if (!v.isDouble() || !std::isfinite(d)) {
            fail(field, "invalid_type", field + QStringLiteral(" must be a number"));
            return false;
        }
        if (d < 0 || d > 1e15) {
            fail(field, "out_of_range", field + QStringLiteral(" must be from 0 to 10^15"));
            return false;
        }
        out = d;
        return true;
    }

    bool boolean(const QString &field, bool &out)
    {
        if (!has(field))
            return false;
        const QJsonValue v = m_body.value(field);
        if (!v.isBool()) {
            fail(field, "invalid_type", field + QStringLiteral(" must be true or false"));
            return false;
        }
        out = v.toBool();
        return true;
    }

    void ignore(const QString &field) { m_known.append(field); }

    void rejectUnknown()
    {
        for (auto it = m_body.begin(); it != m_body.end(); ++it) {
            if (!m_known.contains(it.key()))
                fail(it.key().left(64), "unknown_field",
                     QStringLiteral("this field is not part of the record"));
        }
    }

    const QJsonObject &body() const { return m_body; }

private:
    const QJsonObject &m_body;
    QList<FieldIssue> &m_issues;
    QStringList &m_written;
    QStringList m_known;
};

bool validAgentId(const QString &s)
{
    return platform::isValidRecordId(s);
}

bool validSalesforceId(const QString &s)
{
    return PlatformRecordInput::isValidSalesforceId(s);
}

void checkId(BodyReader &r, const QString &id)
{
    if (!r.has(QStringLiteral("id"), false))
        return;
    if (r.body().value(QStringLiteral("id")) != QJsonValue(id))
        r.fail(QStringLiteral("id"), "id_mismatch",
               QStringLiteral("the body's id differs from the id in the URL"));
}

} // namespace

const QStringList &PlatformRecordInput::leadStatuses()
{
    static const QStringList statuses {QStringLiteral("new"), QStringLiteral("working"),
                                       QStringLiteral("won"), QStringLiteral("lost")};
    return statuses;
}

bool PlatformRecordInput::isValidEmail(const QString &email)
{
    if (email.size() > 254)
        return false;
    const qsizetype at = email.indexOf(u'@');
    if (at <= 0 || at != email.lastIndexOf(u'@'))
        return false;
    const QStringView domain = QStringView(email).sliced(at + 1);
    const qsizetype dot = domain.lastIndexOf(u'.');
    if (dot <= 0 || dot >= domain.size() - 1)
        return false;
    for (const QChar c : email) {
        if (c.isSpace() || c.unicode() < 0x21)
            return false;
    }
    return true;
}

bool PlatformRecordInput::isValidSalesforceId(const QString &id)
{
    if (id.size() != 15 && id.size() != 18)
        return false;
    for (const QChar c : id) {
        if (c.unicode() > 127 || !c.isLetterOrNumber())
            return false;
    }
    return true;
}

QList<FieldIssue> PlatformRecordInput::applyLead(const QJsonObject &body, Mode mode,
                                                 LeadRecord &lead, QStringList &written)
{
    QList<FieldIssue> issues;
    BodyReader r(body, issues, written);
    if (mode == Mode::Replace) {
        LeadRecord fresh;
        fresh.id = lead.id;
        fresh.updatedBy = QStringLiteral("api");
        lead = fresh;
    } else {
        lead.updatedBy = QStringLiteral("api");
    }
    checkId(r, lead.id);
    r.ignore(QStringLiteral("updated_at")); // server-managed
    r.ignore(QStringLiteral("version")); // If-Match carries the precondition

    r.text(QStringLiteral("first_name"), lead.firstName);
    const qsizetype before = issues.size();
    const bool hasLastName = r.text(QStringLiteral("last_name"), lead.lastName);
    if (issues.size() == before && (mode == Mode::Replace || hasLastName)
        && lead.lastName.trimmed().isEmpty())
        r.fail(QStringLiteral("last_name"), "required", QStringLiteral("last_name is required"));
    r.text(QStringLiteral("company"), lead.company);
    if (r.text(QStringLiteral("email"), lead.email) && !lead.email.isEmpty()
        && !isValidEmail(lead.email))
        r.fail(QStringLiteral("email"), "invalid_format",
               QStringLiteral("email is not a valid e-mail address"));
    r.text(QStringLiteral("phone"), lead.phone, 40);
    // An empty or null status is the platform's default; anything else must be one it knows.
    if (r.text(QStringLiteral("status"), lead.status)) {
        if (lead.status.isEmpty())
            lead.status = leadStatuses().first();
        else if (!leadStatuses().contains(lead.status))
            r.fail(QStringLiteral("status"), "invalid_value",
                   QStringLiteral("status must be one of ")
                       + leadStatuses().join(QStringLiteral(", ")));
    }
    r.text(QStringLiteral("source"), lead.source);
    r.integer(QStringLiteral("score"), lead.score, 0, 100);
    r.number(QStringLiteral("value"), lead.value);
    r.nullableId(QStringLiteral("agent_id"), lead.agentId, validAgentId,
                 QStringLiteral("an agent id"));
    r.boolean(QStringLiteral("eligible"), lead.eligible);
    r.nullableId(QStringLiteral("salesforce_id"), lead.salesforceId, validSalesforceId,
                 QStringLiteral("a 15 or 18 character Salesforce id"));

    if (r.has(QStringLiteral("updated_by"), false)) {
        const QJsonValue v = body.value(QStringLiteral("updated_by"));
        const QString s = v.toString();
        if (!v.isString() || s.isEmpty() || s.size() > 64 || !isCleanText(s))
            r.fail(QStringLiteral("updated_by"), "invalid_type",
                   QStringLiteral("updated_by must be 1-64 characters of text"));
        else
            lead.updatedBy = s;
    }
    r.rejectUnknown();
    return issues;
}

QList<FieldIssue> PlatformRecordInput::applyAgent(const QJsonObject &body, AgentRecord &agent,
                                                  QStringList &written)
{
    QList<FieldIssue> issues;
    BodyReader r(body, issues, written);
    AgentRecord fresh;
    fresh.id = agent.id;
    agent = fresh;
    checkId(r, agent.id);
    r.ignore(QStringLiteral("updated_at"));
    r.ignore(QStringLiteral("version"));

    const qsizetype before = issues.size();
    r.text(QStringLiteral("name"), agent.name);
    if (issues.size() == before && agent.name.trimmed().isEmpty())
        r.fail(QStringLiteral("name"), "required", QStringLiteral("name is required"));
    if (r.text(QStringLiteral("email"), agent.email) && !agent.email.isEmpty()
        && !isValidEmail(agent.email))
        r.fail(QStringLiteral("email"), "invalid_format",
               QStringLiteral("email is not a valid e-mail address"));
    r.boolean(QStringLiteral("active"), agent.active);
    r.boolean(QStringLiteral("eligible"), agent.eligible);
    if (r.has(QStringLiteral("states"))) {
        const QJsonValue v = body.value(QStringLiteral("states"));
        bool ok = v.isArray() && v.toArray().size() <= 60;
        QStringList states;
        for (const QJsonValue &e : v.toArray()) {
            const QString s = e.toString();
            ok = ok && e.isString() && s.size() == 2 && s.at(0) >= u'A' && s.at(0) <= u'Z'
                && s.at(1) >= u'A' && s.at(1) <= u'Z';
            states.append(s);
        }
        if (ok)
            agent.states = states;
        else
            r.fail(QStringLiteral("states"), "invalid_format",
                   QStringLiteral("states must be a list of two-letter codes such as \"TX\""));
    }
    r.integer(QStringLiteral("capacity"), agent.capacity, 0, 1'000'000);
    r.nullableId(QStringLiteral("salesforce_id"), agent.salesforceId, validSalesforceId,
                 QStringLiteral("a 15 or 18 character Salesforce id"));
    r.rejectUnknown();
    return issues;
}

} // namespace lb::sandbox
