#include "SandboxHarness.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::Literals::StringLiterals;

namespace lb::test {

namespace {

QByteArray bioText(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray out(data, int(size));
    BIO_free(bio);
    return out;
}

QByteArray privatePem(EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    return bioText(bio);
}

// A self-signed certificate, as an admin uploads to the connected app.
QByteArray certificatePem(EVP_PKEY *key)
{
    X509 *cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("LeadBridge test"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    X509_free(cert);
    return bioText(bio);
}

} // namespace

SandboxHarness::SandboxHarness()
{
    EVP_PKEY *key = EVP_RSA_gen(2048);
    EVP_PKEY *other = EVP_RSA_gen(2048);
    m_privateKeyPem = privatePem(key);
    m_otherPrivateKeyPem = privatePem(other);
    m_certificatePem = certificatePem(key);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    m_http = std::make_unique<HttpClient>(&m_nam, HostAllowlist({u"127.0.0.1"_s}));
}

SandboxHarness::~SandboxHarness()
{
    m_client.reset();
    m_session.reset();
    m_http->abortAll();
    if (m_sandbox)
        m_sandbox->stop();
}

Result<void> SandboxHarness::start(sandbox::SandboxConfig config)
{
    m_client.reset();
    m_session.reset();
    if (m_sandbox)
        m_sandbox->stop();
    config.jwtCertificatePem = m_certificatePem;
    m_sandbox = std::make_unique<sandbox::SalesforceSandbox>(config, m_clock);
    m_restCalls = 0;
    QObject::connect(m_sandbox.get(), &sandbox::SalesforceSandbox::requestServed,
                     [this](const QString &path) {
                         if (path.startsWith(QLatin1String("/services/data/")))
                             ++m_restCalls;
                     });
    return m_sandbox->start();
}

salesforce::SalesforceConfig SandboxHarness::config(salesforce::AuthFlow flow) const
{
    salesforce::SalesforceConfig c;
    c.loginUrl = QUrl(m_sandbox->loginUrl());
    c.instanceUrl = QUrl(m_sandbox->instanceUrl());
    c.flow = flow;
    c.clientId = m_sandbox->config().clientId;
    c.username = m_sandbox->config().users.value(0, sandbox::SandboxConfig::defaultUser()).username;
    c.timeoutMs = 10'000;
    return c;
}

salesforce::SalesforceSecrets SandboxHarness::secrets() const
{
    const sandbox::SandboxUser user
        = m_sandbox->config().users.value(0, sandbox::SandboxConfig::defaultUser());
    salesforce::SalesforceSecrets s;
    s.clientSecret = m_sandbox->config().clientSecret;
    s.password = user.password + user.securityToken;
    s.privateKeyPem = m_privateKeyPem;
    return s;
}

void SandboxHarness::connect(salesforce::AuthFlow flow)
{
    connect(config(flow), secrets());
}

void SandboxHarness::connect(const salesforce::SalesforceConfig &config,
                             const salesforce::SalesforceSecrets &secrets)
{
    m_client.reset();
    m_session = std::make_unique<salesforce::SalesforceSession>(*m_http, config, secrets);
    m_session->setClock(m_clock);
    m_client = std::make_unique<salesforce::SalesforceClient>(*m_http, *m_session, config);
    m_client->setClock(m_clock);
}

} // namespace lb::test
