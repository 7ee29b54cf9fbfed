#include "SalesforceSandbox.h"

#include "AdminEndpoint.h"
#include "CometdEndpoint.h"
#include "OAuthEndpoint.h"
#include "RestRouter.h"
#include "SandboxOrg.h"
#include "SandboxState.h"
#include "SeedLoader.h"
#include "log/Logging.h"
#include "salesforce/SalesforceId.h"
#include "util/Clock.h"

#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

SalesforceSandbox::SalesforceSandbox(SandboxConfig config, QObject *parent)
    : SalesforceSandbox(std::move(config), Clock::system(), parent)
{ }

SalesforceSandbox::SalesforceSandbox(SandboxConfig config, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_org(std::make_unique<SandboxOrg>(std::move(config), clock))
    , m_router(std::make_unique<RestRouter>(*m_org))
    , m_oauth(std::make_unique<OAuthEndpoint>(*m_org))
    , m_admin(std::make_unique<AdminEndpoint>(
          *m_org,
          [this]() -> Result<void> {
              if (m_org->config().statePath.isEmpty())
                  return makeError(u"NO_STATE"_s,
                                   u"the sandbox was started without a state file"_s);
              auto r = saveState(m_org->config().statePath);
              if (r)
                  m_savedGeneration = m_org->data().generation();
              return r;
          }))
    , m_cometd(std::make_unique<CometdEndpoint>(*m_org))
{
    connect(&m_saveTimer, &QTimer::timeout, this, [this] {
        if (auto r = saveIfChanged(); !r)
            qCWarning(lcSandbox) << "saving the sandbox state failed:" << r.error().message;
    });
}

SalesforceSandbox::~SalesforceSandbox()
{
    stop();
}

const SandboxConfig &SalesforceSandbox::config() const
{
    return m_org->config();
}

Result<void> SalesforceSandbox::start()
{
    if (isRunning())
        return {};
    const SandboxConfig &c = m_org->config();
    if (c.dailyApiLimit <= 0 || c.apiUsed < 0)
        return makeError(u"BAD_CONFIG"_s, u"the daily API limit must be > 0 and usage >= 0"_s);
    if (c.sessionLifetimeSecs <= 0)
        return makeError(u"BAD_CONFIG"_s, u"the session lifetime must be > 0 seconds"_s);
    if (c.minApiVersion < 1 || c.maxApiVersion < c.minApiVersion)
        return makeError(u"BAD_CONFIG"_s, u"the supported API versions are not a range"_s);
    if (auto r = m_org->jwt().setCertificate(c.jwtCertificatePem); !r)
        return r;
    if (!c.statePath.isEmpty() && QFileInfo::exists(c.statePath)) {
        if (auto r = SandboxState::load(*m_org, c.statePath); !r)
            return r;
    }
    m_savedGeneration = m_org->data().generation();

    auto makeServer = [this](bool instanceHost) {
        return std::make_unique<SfHttpServer>(
            [this, instanceHost](const ApiRequest &r) { return dispatch(r, instanceHost); });
    };
    m_login = makeServer(false);
    m_instance = makeServer(true);
    if (!m_login->listenLoopback(c.loginPort) || !m_instance->listenLoopback(c.instancePort)) {
        m_login.reset();
        m_instance.reset();
        return makeError(
            u"LISTEN_FAILED"_s,
            u"cannot listen on 127.0.0.1 (login port %1, instance port %2)"_s.arg(c.loginPort)
                .arg(c.instancePort));
    }
    m_org->setUrls(m_login->baseUrl(), m_instance->baseUrl());
    if (!c.statePath.isEmpty() && c.saveIntervalSecs > 0)
        m_saveTimer.start(c.saveIntervalSecs * 1000);
    qCInfo(lcSandbox) << "Salesforce sandbox: login" << loginUrl() << "instance" << instanceUrl();
    return {};
}

void SalesforceSandbox::stop()
{
    if (!isRunning())
        return;
    m_saveTimer.stop();
    if (!m_org->config().statePath.isEmpty()) {
        if (auto r = saveState(m_org->config().statePath); !r)
            qCWarning(lcSandbox) << "saving the sandbox state failed:" << r.error().message;
    }
    m_login.reset();
    m_instance.reset();
}

bool SalesforceSandbox::isRunning() const
{
    return m_instance != nullptr;
}

QString SalesforceSandbox::loginUrl() const
{
    return m_org->loginUrl();
}

QString SalesforceSandbox::instanceUrl() const
{
    return m_org->instanceUrl();
}

QString SalesforceSandbox::restBaseUrl(int version) const
{
    const int v = version > 0 ? version : m_org->config().maxApiVersion;
    return instanceUrl() + u"/services/data/v%1.0"_s.arg(v);
}

SfHttpServer::Outcome SalesforceSandbox::dispatch(const ApiRequest &request, bool instanceHost)
{
    SfHttpServer::Outcome out;
    if (instanceHost && CometdEndpoint::handlesAdmin(request)) {
        out.response = m_cometd->handleAdmin(request);
        Q_EMIT requestServed(request.path, out.response.status);
        return out;
    }
    if (instanceHost && CometdEndpoint::handles(request)) {
        out = m_cometd->handle(request);
        if (out.action == SfHttpServer::Outcome::Action::Respond)
            Q_EMIT requestServed(request.path, out.response.status);
        return out;
    }
    if (instanceHost && AdminEndpoint::handles(request)) {
        out.response = m_admin->handle(request);
        Q_EMIT requestServed(request.path, out.response.status);
        return out;
    }
    const bool rest = instanceHost && RestRouter::handles(request) && request.segments.size() > 2;
    const bool auth = OAuthEndpoint::handles(request);
    FaultInjector &faults = m_org->faults();
    if (rest || (auth && faults.config().includeAuth)) {
        switch (faults.drawTransport()) {
        case FaultInjector::Transport::Drop:
            out.action = SfHttpServer::Outcome::Action::Drop;
            return out;
        case FaultInjector::Transport::Hang:
            out.action = SfHttpServer::Outcome::Action::Hang;
            return out;
        case FaultInjector::Transport::Fail503:
            out.response = ApiResponse::error(503, u"SERVER_UNAVAILABLE"_s,
                                              u"Server is temporarily unavailable. Please try "
                                              u"again later."_s);
            if (rest)
                out.response.setHeader("Sforce-Limit-Info", m_org->usage().limitInfo());
            out.delayMs = faults.drawDelayMs();
            Q_EMIT requestServed(request.path, out.response.status);
            return out;
        case FaultInjector::Transport::None:
            break;
        }
        out.delayMs = faults.drawDelayMs();
    }
    if (instanceHost && RestRouter::handles(request)) {
        out.response = m_router->handle(request);
        // Carried out, and then the answer is lost (the connection dropped after the commit).
        if (rest && request.method != "GET" && faults.drawDropAfterWrite())
            out.action = SfHttpServer::Outcome::Action::Drop;
    } else if (auth) {
        out.response = m_oauth->handle(request, instanceHost);
    } else {
        out.response
            = ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
    }
    Q_EMIT requestServed(request.path, out.response.status);
    return out;
}

Result<void> SalesforceSandbox::saveIfChanged()
{
    if (m_org->config().statePath.isEmpty() || m_org->data().generation() == m_savedGeneration)
        return {};
    auto r = saveState(m_org->config().statePath);
    if (r)
        m_savedGeneration = m_org->data().generation();
    return r;
}

Result<QHash<QString, int>> SalesforceSandbox::seedJson(const QByteArray &json)
{
    return SeedLoader(*m_org).loadJson(json);
}

Result<int> SalesforceSandbox::seedCsv(const QString &object, const QByteArray &csv)
{
    return SeedLoader(*m_org).loadCsv(object, csv);
}

Result<QHash<QString, int>> SalesforceSandbox::seedFile(const QString &path)
{
    return SeedLoader(*m_org).loadFile(path);
}

Result<QString> SalesforceSandbox::createRecord(const QString &object, const QJsonObject &fields,
                                                const QString &client)
{
    const ObjectDef *def = m_org->schema().object(object);
    if (!def)
        return makeError(u"NOT_FOUND"_s, u"no such object: "_s + object);
    auto input = RecordInput::parse(m_org->schema(), *def, fields);
    if (!input)
        return input.error();
    const WriteContext ctx {m_org->users().constFirst().userId, client, false, false};
    const SaveResult r = m_org->dml().insert(*def, *input, ctx);
    m_org->data().clearJournal();
    if (!r.success)
        return makeError(r.errors.constFirst().code, r.errors.constFirst().message);
    return r.id;
}

Result<void> SalesforceSandbox::updateRecord(const QString &object, const QString &id,
                                             const QJsonObject &fields, const QString &client)
{
    const ObjectDef *def = m_org->schema().object(object);
    if (!def)
        return makeError(u"NOT_FOUND"_s, u"no such object: "_s + object);
    auto input = RecordInput::parse(m_org->schema(), *def, fields);
    if (!input)
        return input.error();
    const WriteContext ctx {m_org->users().constFirst().userId, client, false, false};
    const SaveResult r = m_org->dml().update(*def, id, *input, ctx);
    m_org->data().clearJournal();
    if (!r.success)
        return makeError(r.errors.constFirst().code, r.errors.constFirst().message);
    return {};
}

Result<void> SalesforceSandbox::deleteRecord(const QString &object, const QString &id,
                                             const QString &client)
{
    const ObjectDef *def = m_org->schema().object(object);
    if (!def)
        return makeError(u"NOT_FOUND"_s, u"no such object: "_s + object);
    const WriteContext ctx {m_org->users().constFirst().userId, client, false, false};
    const SaveResult r = m_org->dml().remove(*def, id, ctx);
    m_org->data().clearJournal();
    if (!r.success)
        return makeError(r.errors.constFirst().code, r.errors.constFirst().message);
    return {};
}

std::optional<QJsonObject> SalesforceSandbox::record(const QString &object, const QString &id) const
{
    const ObjectDef *def = m_org->schema().object(object);
    const RecordTable *table = def ? m_org->data().table(def->name()) : nullptr;
    const int row = table ? table->rowOf(lb::salesforce::SalesforceId::normalize(id)) : -1;
    if (row < 0)
        return std::nullopt;
    QJsonObject out;
    for (int i = 0; i < def->fieldCount(); ++i)
        out.insert(def->field(i).name, table->at(row).values[i]);
    return out;
}

std::optional<QJsonObject> SalesforceSandbox::recordByExternalId(const QString &object,
                                                                 const QString &field,
                                                                 const QString &value) const
{
    const ObjectDef *def = m_org->schema().object(object);
    const RecordTable *table = def ? m_org->data().table(def->name()) : nullptr;
    const int index = def ? def->indexOf(field) : -1;
    if (!table || index < 0)
        return std::nullopt;
    const QList<int> rows = table->rowsWithExternalId(index, value);
    if (rows.size() != 1)
        return std::nullopt;
    return record(def->name(), table->at(rows.first()).id);
}

int SalesforceSandbox::recordCount(const QString &object, bool includeDeleted) const
{
    const RecordTable *table = m_org->data().table(object);
    if (!table)
        return 0;
    return includeDeleted ? table->rowCount() : table->liveCount();
}

const WriteLog &SalesforceSandbox::writeLog() const
{
    return m_org->data().writeLog();
}

int SalesforceSandbox::writeCountFor(const QString &object, const QString &externalId) const
{
    return writeLog().countFor(object, externalId);
}

int SalesforceSandbox::changedWriteCountFor(const QString &object, const QString &externalId) const
{
    return writeLog().changedCountFor(object, externalId);
}

QList<WriteLogEntry> SalesforceSandbox::writesFor(const QString &object,
                                                  const QString &externalId) const
{
    QList<WriteLogEntry> out;
    for (const WriteLogEntry &e : writeLog().entries()) {
        if (e.externalId == externalId && e.object.compare(object, Qt::CaseInsensitive) == 0)
            out.append(e);
    }
    return out;
}

QList<PublishedEvent> SalesforceSandbox::publishedEvents() const
{
    return m_org->data().events().events();
}

QString SalesforceSandbox::cometdUrl(int version) const
{
    const int v = version > 0 ? version : m_org->config().maxApiVersion;
    return instanceUrl() + u"/cometd/%1.0"_s.arg(v);
}

QList<ChangeEvent> SalesforceSandbox::changeEvents() const
{
    const auto &retained = m_org->data().changes().retained();
    return QList<ChangeEvent>(retained.begin(), retained.end());
}

int SalesforceSandbox::streamingClientCount() const
{
    return m_cometd->clientCount();
}

void SalesforceSandbox::dropStreamingClients()
{
    m_cometd->dropAllClients();
}

void SalesforceSandbox::setStreamingSilent(bool silent)
{
    m_cometd->setSilent(silent);
}

void SalesforceSandbox::expireChangeEvents()
{
    m_org->data().changes().expireAll();
}

Result<void> SalesforceSandbox::emitGapEvent(const QString &object, const QString &changeType,
                                             const QStringList &recordIds)
{
    return m_cometd->emitGap(object, changeType, recordIds);
}

qint64 SalesforceSandbox::apiUsed() const
{
    return m_org->usage().used();
}

qint64 SalesforceSandbox::apiMax() const
{
    return m_org->usage().max();
}

void SalesforceSandbox::setApiUsage(qint64 used, qint64 max)
{
    m_org->usage().set(used, max);
}

QHash<QString, qint64> SalesforceSandbox::apiCallsByKind() const
{
    return m_org->usage().byKind();
}

void SalesforceSandbox::setFaults(const FaultConfig &faults)
{
    m_org->faults().configure(faults);
}

FaultConfig SalesforceSandbox::faults() const
{
    return m_org->faults().config();
}

FaultInjector::Counters SalesforceSandbox::faultCounters() const
{
    return m_org->faults().counters();
}

void SalesforceSandbox::expireAllSessions()
{
    m_org->sessions().expireAllSessions();
}

Result<QString> SalesforceSandbox::issueAccessToken(const QString &username)
{
    const SandboxUser *user
        = username.isEmpty() ? &m_org->users().constFirst() : m_org->findUser(username);
    if (!user)
        return makeError(u"NO_SUCH_USER"_s, u"no such sandbox user: "_s + username);
    const SessionGrant grant {user->username, user->userId, m_org->config().clientId, u"api"_s};
    return m_org->sessions().issueAccessToken(grant, {}, m_org->nowMs());
}

Result<void> SalesforceSandbox::markExternalId(const QString &object, const QString &field,
                                               bool unique)
{
    return m_org->markExternalId(object, field, unique);
}

void SalesforceSandbox::reset()
{
    m_org->reset();
}

Result<void> SalesforceSandbox::saveState(const QString &path) const
{
    return SandboxState::save(*m_org, path);
}

Result<void> SalesforceSandbox::loadState(const QString &path)
{
    return SandboxState::load(*m_org, path);
}

QJsonObject SalesforceSandbox::stats(qint64 writeLogSince, qsizetype writeLogLimit) const
{
    return AdminEndpoint::stats(*m_org, writeLogSince, writeLogLimit);
}

} // namespace lb::sandbox
