#pragma once

#include "ApiUsage.h"
#include "BulkJobStore.h"
#include "DmlEngine.h"
#include "FaultInjector.h"
#include "JwtVerifier.h"
#include "OrgData.h"
#include "OrgSchema.h"
#include "QueryCursorStore.h"
#include "SandboxConfig.h"
#include "SessionStore.h"

namespace lb {
class Clock;
}

namespace lb::sandbox {

// The state of one emulated org and the parts that act on it, shared by the OAuth endpoint,
// the REST resources, the admin endpoint and the C++ API. Single-threaded: use it from the
// thread that runs the sandbox's servers.
class SandboxOrg
{
public:
    SandboxOrg(SandboxConfig config, const Clock &clock);
    ~SandboxOrg();

    SandboxConfig &config() { return m_config; }
    const SandboxConfig &config() const { return m_config; }
    const Clock &clock() const { return m_clock; }
    qint64 nowMs() const;

    const OrgSchema &schema() const { return *m_schema; }
    OrgData &data() { return m_data; }
    const OrgData &data() const { return m_data; }
    DmlEngine &dml() { return m_dml; }
    SessionStore &sessions() { return m_sessions; }
    const SessionStore &sessions() const { return m_sessions; }
    ApiUsage &usage() { return m_usage; }
    const ApiUsage &usage() const { return m_usage; }
    FaultInjector &faults() { return m_faults; }
    const FaultInjector &faults() const { return m_faults; }
    QueryCursorStore &cursors() { return m_cursors; }
    JwtVerifier &jwt() { return m_jwt; }
    BulkJobStore &bulkJobs() { return m_bulk; }

    // Makes a text, e-mail or number field usable as an external id (e.g. People__c.Email__c,
    // not unique, to exercise the 300 Multiple Choices answer of an upsert).
    Result<void> markExternalId(const QString &object, const QString &field, bool unique);

    const QString &orgId() const { return m_orgId; }
    const QList<SandboxUser> &users() const { return m_config.users; }
    const SandboxUser *findUser(const QString &username) const;
    const SandboxUser *userById(const QString &userId) const;

    void setUrls(QString loginUrl, QString instanceUrl);
    const QString &loginUrl() const { return m_loginUrl; }
    const QString &instanceUrl() const { return m_instanceUrl; }
    QString identityUrl(const SandboxUser &user) const;

    // Records, logs, locators, Bulk jobs and API counters go; sessions and configuration stay.
    void reset();

private:
    SandboxConfig m_config;
    const Clock &m_clock;
    std::unique_ptr<OrgSchema> m_schema;
    OrgData m_data;
    FaultInjector m_faults;
    DmlEngine m_dml;
    QString m_orgId;
    SessionStore m_sessions;
    ApiUsage m_usage;
    QueryCursorStore m_cursors;
    JwtVerifier m_jwt;
    QString m_loginUrl;
    QString m_instanceUrl;
    BulkJobStore m_bulk {*this};
};

} // namespace lb::sandbox
