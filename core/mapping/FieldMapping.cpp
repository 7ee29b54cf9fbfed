#include "FieldMapping.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

// The resource file is compiled into the static lb_core library and must be registered by hand.
static void initCoreResources()
{
    Q_INIT_RESOURCE(leadbridge_core);
}

namespace lb {
namespace {

Error mappingError(const QString &source, const QString &path, const QString &what)
{
    return makeError(QStringLiteral("mapping"),
                     QStringLiteral("%1: %2 %3").arg(source, path, what));
}

std::optional<Authority> parseAuthority(const QString &s)
{
    if (s == QLatin1String("salesforce"))
        return Authority::Salesforce;
    if (s == QLatin1String("platform"))
        return Authority::Platform;
    if (s == QLatin1String("latest") || s.isEmpty())
        return Authority::Latest;
    return std::nullopt;
}

Result<ObjectMapping> parseObject(const QJsonObject &o, const QString &source, const QString &path)
{
    static const QSet<QString> objectKeys {QStringLiteral("salesforce_object"),
                                           QStringLiteral("key"), QStringLiteral("fields")};
    static const QSet<QString> fieldKeys {
        QStringLiteral("platform"),   QStringLiteral("salesforce"), QStringLiteral("label"),
        QStringLiteral("transforms"), QStringLiteral("authority"),  QStringLiteral("required"),
        QStringLiteral("read_only"),  QStringLiteral("validate"),   QStringLiteral("max_length")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!objectKeys.contains(it.key()))
            return mappingError(source, path + u'.' + it.key(),
                                QStringLiteral("is not a known key"));
    }
    ObjectMapping m;
    m.salesforceObject = o.value(QStringLiteral("salesforce_object")).toString();
    const QJsonObject key = o.value(QStringLiteral("key")).toObject();
    m.platformKey = key.value(QStringLiteral("platform")).toString();
    m.salesforceKey = key.value(QStringLiteral("salesforce")).toString();
    if (m.salesforceObject.isEmpty() || m.platformKey.isEmpty() || m.salesforceKey.isEmpty())
        return mappingError(
            source, path,
            QStringLiteral("needs salesforce_object and key.platform/key.salesforce"));
    const QJsonValue fields = o.value(QStringLiteral("fields"));
    if (!fields.isArray())
        return mappingError(source, path + QStringLiteral(".fields"),
                            QStringLiteral("must be an array"));
    QSet<QString> seenPlatform, seenSalesforce;
    int index = 0;
    for (const QJsonValue &fv : fields.toArray()) {
        const QString fpath = QStringLiteral("%1.fields[%2]").arg(path).arg(index++);
        if (!fv.isObject())
            return mappingError(source, fpath, QStringLiteral("must be an object"));
        const QJsonObject f = fv.toObject();
        for (auto it = f.begin(); it != f.end(); ++it) {
            if (!fieldKeys.contains(it.key()))
                return mappingError(source, fpath + u'.' + it.key(),
                                    QStringLiteral("is not a known key"));
        }
        FieldRule rule;
        rule.platform = f.value(QStringLiteral("platform")).toString();
        rule.salesforce = f.value(QStringLiteral("salesforce")).toString();
        rule.label = f.value(QStringLiteral("label")).toString(rule.salesforce.section(u'.', 0, 0));
        if (rule.platform.isEmpty() || rule.salesforce.isEmpty())
            return mappingError(source, fpath,
                                QStringLiteral("needs both platform and salesforce"));
        if (seenPlatform.contains(rule.platform) || seenSalesforce.contains(rule.salesforce))
            return mappingError(source, fpath,
                                QStringLiteral("maps a field that is already mapped"));
        seenPlatform.insert(rule.platform);
        seenSalesforce.insert(rule.salesforce);
        const auto authority = parseAuthority(f.value(QStringLiteral("authority")).toString());
        if (!authority)
            return mappingError(source, fpath + QStringLiteral(".authority"),
                                QStringLiteral("must be salesforce, platform or latest"));
        rule.authority = *authority;
        rule.required = f.value(QStringLiteral("required")).toBool(false);
        rule.readOnly = f.value(QStringLiteral("read_only")).toBool(false);
        rule.validate = f.value(QStringLiteral("validate")).toString();
        if (!rule.validate.isEmpty() && rule.validate != QLatin1String("email"))
            return mappingError(source, fpath + QStringLiteral(".validate"),
                                QStringLiteral("must be \"email\" or absent"));
        rule.maxLength = f.value(QStringLiteral("max_length")).toInt(0);
        int t = 0;
        for (const QJsonValue &tv : f.value(QStringLiteral("transforms")).toArray()) {
            auto transform = Transform::fromJson(tv);
            if (!transform)
                return mappingError(source, QStringLiteral("%1.transforms[%2]").arg(fpath).arg(t),
                                    transform.error().message);
            rule.transforms.append(*transform);
            ++t;
        }
        m.fields.append(rule);
    }
    return m;
}

QJsonObject objectToJson(const ObjectMapping &m)
{
    QJsonArray fields;
    for (const FieldRule &r : m.fields) {
        QJsonObject f {{QStringLiteral("platform"), r.platform},
                       {QStringLiteral("salesforce"), r.salesforce},
                       {QStringLiteral("authority"), FieldMapping::authorityName(r.authority)}};
        if (r.label != r.salesforce.section(u'.', 0, 0))
            f.insert(QStringLiteral("label"), r.label);
        if (!r.transforms.isEmpty()) {
            QJsonArray ts;
            for (const Transform &t : r.transforms)
                ts.append(t.toJson());
            f.insert(QStringLiteral("transforms"), ts);
        }
        if (r.required)
            f.insert(QStringLiteral("required"), true);
        if (r.readOnly)
            f.insert(QStringLiteral("read_only"), true);
        if (!r.validate.isEmpty())
            f.insert(QStringLiteral("validate"), r.validate);
        if (r.maxLength > 0)
            f.insert(QStringLiteral("max_length"), r.maxLength);
        fields.append(f);
    }
    return {{QStringLiteral("salesforce_object"), m.salesforceObject},
            {QStringLiteral("key"),
             QJsonObject {{QStringLiteral("platform"), m.platformKey},
                          {QStringLiteral("salesforce"), m.salesforceKey}}},
            {QStringLiteral("fields"), fields}};
}

} // namespace

QStringList ObjectMapping::salesforceFields() const
{
    QStringList out {QStringLiteral("Id"), salesforceKey};
    for (const FieldRule &r : fields) {
        if (!out.contains(r.salesforce))
            out.append(r.salesforce);
    }
    return out;
}

const FieldRule *ObjectMapping::byPlatform(const QString &field) const
{
    for (const FieldRule &r : fields) {
        if (r.platform == field)
            return &r;
    }
    return nullptr;
}

QString FieldMapping::authorityName(Authority a)
{
    switch (a) {
    case Authority::Salesforce:
        return QStringLiteral("salesforce");
    case Authority::Platform:
        return QStringLiteral("platform");
    case Authority::Latest:
        return QStringLiteral("latest");
    }
    return {};
}

Result<FieldMapping> FieldMapping::fromJson(const QByteArray &json, const QString &source)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(QStringLiteral("mapping"),
                         QStringLiteral("%1: not a JSON object (%2 at offset %3)")
                             .arg(source, parseError.errorString())
                             .arg(parseError.offset));
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != QLatin1String("version") && it.key() != QLatin1String("lead")
            && it.key() != QLatin1String("agent"))
            return mappingError(source, QStringLiteral("$.") + it.key(),
                                QStringLiteral("is not a known key"));
    }
    if (root.value(QStringLiteral("version")).toInt() != 1)
        return mappingError(source, QStringLiteral("$.version"), QStringLiteral("must be 1"));
    FieldMapping mapping;
    auto lead = parseObject(root.value(QStringLiteral("lead")).toObject(), source,
                            QStringLiteral("$.lead"));
    if (!lead)
        return lead.error();
    auto agent = parseObject(root.value(QStringLiteral("agent")).toObject(), source,
                             QStringLiteral("$.agent"));
    if (!agent)
        return agent.error();
    mapping.lead = *lead;
    mapping.agent = *agent;
    return mapping;
}

Result<FieldMapping> FieldMapping::defaultMapping()
{
    initCoreResources();
    QFile file(QStringLiteral(":/leadbridge/mapping/default.json"));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("mapping"),
                         QStringLiteral("the built-in mapping is missing"));
    return fromJson(file.readAll(), QStringLiteral("default mapping"));
}

Result<FieldMapping> FieldMapping::load(const QString &nameOrPath)
{
    if (nameOrPath.isEmpty() || nameOrPath == QLatin1String("default"))
        return defaultMapping();
    QFile file(nameOrPath);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            QStringLiteral("mapping"),
            QStringLiteral("Cannot read the mapping %1: %2").arg(nameOrPath, file.errorString()));
    return fromJson(file.readAll(), nameOrPath);
}

QJsonObject FieldMapping::toJson() const
{
    return {{QStringLiteral("version"), 1},
            {QStringLiteral("lead"), objectToJson(lead)},
            {QStringLiteral("agent"), objectToJson(agent)}};
}

} // namespace lb
