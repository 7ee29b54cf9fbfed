#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"
#include "util/Result.h"

#include <QJsonObject>

#include <functional>
#include <optional>

namespace lb::sandbox {

class SandboxOrg;

// /__sandbox/... on the instance listener: test and demo controls, never counted as API
// calls and never faulted.
//   GET  stats[?since=N&limit=M&object=Lead&externalId=X]   counters, write log, faults
//   GET|POST faults        {"fail503":0.1,"lockRate":0.05,"slowMs":200,...}
//   POST reset             records, logs, counters go; sessions stay
//   POST seed              JSON body, or CSV with ?object=Lead (Content-Type text/csv)
//   POST expire-sessions   every access token stops working
//   GET|POST api-usage     {"used":N,"max":M}
//   GET  events            published platform events
//   POST external-id       {"object":"People__c","field":"Email__c","unique":false}
//   POST save              write the state file now (when one is configured)
//   A Salesforce user in the UI (LeadLifecycle), writes without a Sforce-Call-Options client:
//   POST merge      {"masterId":"00Q...","mergeIds":["00Q..."],"fields":{"Phone":"..."}}
//   POST convert    {"leadId":"00Q...","convertedStatus":"Closed - Converted",
//                    "doNotCreateOpportunity":false}
//   POST undelete   {"object":"Lead","ids":["00Q..."]}   (the Recycle Bin)
class AdminEndpoint
{
public:
    using SaveHook = std::function<Result<void>()>;

    AdminEndpoint(SandboxOrg &org, SaveHook save);

    static bool handles(const ApiRequest &request);
    // POST merge / convert / undelete; nullopt for any other request.
    std::optional<ApiResponse> handleUserAction(const QString &what, const QByteArray &body);
    ApiResponse handle(const ApiRequest &request);

    // The stats document (also SalesforceSandbox::stats()).
    static QJsonObject stats(const SandboxOrg &org, qint64 since, qsizetype limit,
                             const QString &object = {}, const QString &externalId = {});

private:
    SandboxOrg &m_org;
    SaveHook m_save;
};

} // namespace lb::sandbox
