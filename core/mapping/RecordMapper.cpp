#include "RecordMapper.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace lb {
namespace {

struct Issue
{
    QString code;
    QString message;
    QString field;
};

Error combine(const QList<Issue> &issues)
{
    QStringList messages;
    for (const Issue &i : issues)
        messages.append(i.message);
    return makeError(issues.first().code, messages.join(QStringLiteral("; ")));
}

bool isBlank(const QJsonValue &v)
{
    return v.isNull() || v.isUndefined() || (v.isString() && v.toString().trimmed().isEmpty());
}

QString text(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

} // namespace

RecordMapper::RecordMapper(ObjectMapping mapping)
    : m_mapping(std::move(mapping))
{ }

bool RecordMapper::isValidEmail(const QString &email)
{
    // The shape Salesforce accepts: local@domain.tld, no spaces, a dot in the domain.
    static const QRegularExpression re(
        QStringLiteral(R"(^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
                       R"(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                       R"((\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$)"));
    return email.size() <= 80 && re.match(email).hasMatch();
}

QJsonValue RecordMapper::readPath(const QJsonObject &record, const QString &path)
{
    const qsizetype dot = path.indexOf(u'.');
    if (dot < 0)
        return record.value(path);
    const QJsonValue parent = record.value(path.left(dot));
    if (!parent.isObject())
        return QJsonValue::Null;
    return readPath(parent.toObject(), path.mid(dot + 1));
}

QString RecordMapper::platformKey(const QJsonObject &platform) const
{
    return text(platform.value(m_mapping.platformKey));
}

QString RecordMapper::salesforceKey(const QJsonObject &salesforce) const
{
    return text(salesforce.value(m_mapping.salesforceKey));
}

Result<QJsonObject> RecordMapper::toSalesforce(const QJsonObject &platform,
                                               bool existsInSalesforce) const
{
    QList<Issue> issues;
    const QString key = platformKey(platform);
    if (key.isEmpty())
        return makeError(
            QStringLiteral("REQUIRED_FIELD_MISSING"),
            QStringLiteral("Required fields are missing: [%1]").arg(m_mapping.salesforceKey));
    if (key.size() > 40)
        issues.append({QStringLiteral("STRING_TOO_LONG"),
                       QStringLiteral("%1: data value too large: %2 (max length=40)")
                           .arg(m_mapping.salesforceKey, key.left(60)),
                       m_mapping.salesforceKey});

    QJsonObject out;
    QStringList missing;
    for (const FieldRule &rule : m_mapping.fields) {
        if (rule.readOnly)
            continue;
        if (rule.authority == Authority::Salesforce && existsInSalesforce)
            continue; // Salesforce owns it once the record exists there
        // A field the platform did not send is left alone, unless it is needed to create.
        if (!platform.contains(rule.platform) && existsInSalesforce)
            continue;
        QJsonValue value = platform.value(rule.platform);
        bool failed = false;
        for (const Transform &t : rule.transforms) {
            auto r = t.forward(value);
            if (!r) {
                issues.append({r.error().code,
                               rule.label + QStringLiteral(": ") + r.error().message,
                               rule.salesforce});
                failed = true;
                break;
            }
            value = *r;
        }
        if (failed)
            continue;
        if (value.isUndefined())
            value = QJsonValue::Null;
        if (rule.required && isBlank(value)) {
            missing.append(rule.salesforce);
            continue;
        }
        if (value.isString()) {
            const QString s = value.toString();
            if (rule.validate == QLatin1String("email") && !s.isEmpty() && !isValidEmail(s))
                issues.append(
                    {QStringLiteral("INVALID_EMAIL_ADDRESS"),
                     QStringLiteral("%1: invalid email address: %2").arg(rule.label, s.left(100)),
                     rule.salesforce});
            if (rule.maxLength > 0 && s.size() > rule.maxLength)
                issues.append({QStringLiteral("STRING_TOO_LONG"),
                               QStringLiteral("%1: data value too large: %2 (max length=%3)")
                                   .arg(rule.label, s.left(60))
                                   .arg(rule.maxLength),
                               rule.salesforce});
        }
        if (rule.isRelationship()) {
            const QString relationship = rule.salesforce.section(u'.', 0, 0);
            const QString field = rule.salesforce.section(u'.', 1);
            if (isBlank(value)) {
                QString lookup = relationship;
                lookup.chop(1); // Assigned_Agent__r -> Assigned_Agent__c
                out.insert(lookup + u'c', QJsonValue::Null);
            } else {
                out.insert(relationship, QJsonObject {{field, value}});
            }
        } else {
            out.insert(rule.salesforce, value);
        }
    }
    if (!missing.isEmpty())
        issues.prepend({QStringLiteral("REQUIRED_FIELD_MISSING"),
                        QStringLiteral("Required fields are missing: [%1]")
                            .arg(missing.join(QStringLiteral(", "))),
                        missing.first()});
    if (!issues.isEmpty())
        return combine(issues);
    return out;
}

Result<QJsonObject> RecordMapper::toPlatform(const QJsonObject &salesforce,
                                             bool existsOnPlatform) const
{
    QJsonObject out;
    const QString key = salesforceKey(salesforce);
    if (!key.isEmpty())
        out.insert(m_mapping.platformKey, key);
    for (const FieldRule &rule : m_mapping.fields) {
        if (rule.authority == Authority::Platform && existsOnPlatform)
            continue; // the platform owns it once the record exists there
        QJsonValue value = readPath(salesforce, rule.salesforce);
        if (value.isUndefined())
            continue; // not selected: leave the platform's value alone
        for (auto it = rule.transforms.crbegin(); it != rule.transforms.crend(); ++it) {
            auto r = it->reverse(value);
            if (!r)
                return makeError(r.error().code,
                                 rule.label + QStringLiteral(": ") + r.error().message);
            value = *r;
        }
        out.insert(rule.platform, value);
    }
    return out;
}

} // namespace lb
