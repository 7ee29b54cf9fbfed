#pragma once

#include "net/HttpClient.h"
#include "salesforce/SalesforceClient.h"
#include "salesforce/SalesforceConfig.h"
#include "salesforce/SalesforceSandbox.h"
#include "salesforce/SalesforceSession.h"
#include "util/Clock.h"

#include <QNetworkAccessManager>

#include <memory>

namespace lb::test {

// The client side and the sandbox org side of one integration test: a sandbox with a
// connected app whose JWT certificate belongs to an RSA key made at test time, and an
// HttpClient/SalesforceSession/SalesforceClient wired as the engine wires them (host
// allowlist = the sandbox's loopback host).
class SandboxHarness
{
public:
    SandboxHarness();
    ~SandboxHarness();

    // (Re)starts the sandbox with `config` (its JWT certificate is filled in).
    Result<void> start(sandbox::SandboxConfig config = {});
    sandbox::SalesforceSandbox &sandbox() { return *m_sandbox; }
    ManualClock &clock() { return m_clock; }
    // REST and Bulk requests the sandbox answered since start() (each is one API call for
    // Salesforce's count; token grants and streaming are not).
    qint64 restCalls() const { return m_restCalls; }

    salesforce::SalesforceConfig config(salesforce::AuthFlow flow) const;
    salesforce::SalesforceSecrets secrets() const;
    // A fresh session and client for `flow` (secrets() unless given).
    void connect(salesforce::AuthFlow flow);
    void connect(const salesforce::SalesforceConfig &config,
                 const salesforce::SalesforceSecrets &secrets);

    HttpClient &http() { return *m_http; }
    salesforce::SalesforceSession &session() { return *m_session; }
    salesforce::SalesforceClient &client() { return *m_client; }

    QByteArray privateKeyPem() const { return m_privateKeyPem; }
    QByteArray otherPrivateKeyPem() const { return m_otherPrivateKeyPem; }

private:
    ManualClock m_clock;
    QByteArray m_privateKeyPem;
    QByteArray m_otherPrivateKeyPem;
    QByteArray m_certificatePem;
    qint64 m_restCalls = 0;
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<sandbox::SalesforceSandbox> m_sandbox;
    std::unique_ptr<salesforce::SalesforceSession> m_session;
    std::unique_ptr<salesforce::SalesforceClient> m_client;
};

} // namespace lb::test
