#include "SandboxOrg.h"

#include "util/Clock.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

QString makeOrgId()
{
    return IdGenerator(u"00D"_s, u"8c"_s).next();
}

} // namespace

SandboxOrg::SandboxOrg(SandboxConfig config, const Clock &clock)
    : m_config(std::move(config))
    , m_clock(clock)
    , m_schema(OrgSchema::leadBridgeOrg())
    , m_data(m_schema.get())
    , m_dml(*m_schema, m_data, m_faults, clock)
    , m_orgId(makeOrgId())
    , m_sessions(m_orgId.left(15))
{
    if (m_config.users.isEmpty())
        m_config.users.append(SandboxConfig::defaultUser());
    IdGenerator userIds(u"005"_s, u"8c"_s);
    for (SandboxUser &u : m_config.users) {
        if (u.userId.isEmpty())
            u.userId = userIds.next();
        if (u.displayName.isEmpty())
            u.displayName = u.username;
        if (u.email.isEmpty())
            u.email = u.username;
    }
    m_usage.set(m_config.apiUsed, m_config.dailyApiLimit);
    m_faults.configure(m_config.faults);
}

SandboxOrg::~SandboxOrg() = default;

qint64 SandboxOrg::nowMs() const
{
    return m_clock.nowMs();
}

Result<void> SandboxOrg::markExternalId(const QString &object, const QString &field, bool unique)
{
    ObjectDef *def = m_schema->mutableObject(object);
    if (!def || def->isPlatformEvent())
        return makeError(u"NOT_FOUND"_s, u"no such object: "_s + object);
    const int index = def->indexOf(field);
    if (index < 0)
        return makeError(u"INVALID_FIELD"_s, u"no such field: "_s + object + u'.' + field);
    FieldDef &f = def->mutableField(index);
    const bool eligible = f.custom
        && (f.type == FieldType::String || f.type == FieldType::Email
            || f.type == FieldType::Double);
    if (!eligible) {
        return makeError(u"INVALID_FIELD"_s,
                         u"only custom text, e-mail and number fields can be external ids: "_s
                             + f.name);
    }
    f.externalId = true;
    f.unique = unique;
    m_data.rebuildIndexes();
    return {};
}

const SandboxUser *SandboxOrg::findUser(const QString &username) const
{
    for (const SandboxUser &u : m_config.users) {
        if (u.username.compare(username, Qt::CaseInsensitive) == 0)
            return &u;
    }
    return nullptr;
}

const SandboxUser *SandboxOrg::userById(const QString &userId) const
{
    for (const SandboxUser &u : m_config.users) {
        if (u.userId == userId)
            return &u;
    }
    return nullptr;
}

void SandboxOrg::setUrls(QString loginUrl, QString instanceUrl)
{
    m_loginUrl = std::move(loginUrl);
    m_instanceUrl = std::move(instanceUrl);
}

QString SandboxOrg::identityUrl(const SandboxUser &user) const
{
    return m_loginUrl + u"/id/"_s + m_orgId + u'/' + user.userId;
}

void SandboxOrg::reset()
{
    m_data.clear();
    m_cursors.clear();
    m_bulk.clear();
    m_usage.reset();
    m_faults.resetCounters();
}

} // namespace lb::sandbox
