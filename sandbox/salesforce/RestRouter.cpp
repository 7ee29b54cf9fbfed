#include "RestRouter.h"

#include "BulkIngestResource.h"
#include "BulkQueryResource.h"
#include "CollectionsResource.h"
#include "CompositeResource.h"
#include "LimitsResource.h"
#include "QueryResource.h"
#include "SObjectResource.h"
#include "SandboxOrg.h"
#include "VersionsResource.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

ApiResponse notFound()
{
    return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
}

} // namespace

RestRouter::RestRouter(SandboxOrg &org)
    : m_org(org)
    , m_sobjects(std::make_unique<SObjectResource>(org))
    , m_query(std::make_unique<QueryResource>(org))
    , m_collections(std::make_unique<CollectionsResource>(org))
    , m_composite(std::make_unique<CompositeResource>(org, *this))
    , m_bulkIngest(std::make_unique<BulkIngestResource>(org))
    , m_bulkQuery(std::make_unique<BulkQueryResource>(org))
{ }

RestRouter::~RestRouter() = default;

bool RestRouter::handles(const ApiRequest &request)
{
    return request.segments.size() >= 2 && request.segments[0] == "services"_L1
        && request.segments[1] == "data"_L1;
}

QString RestRouter::callOptionsClient(const QByteArray &header)
{
    const QString text = QString::fromUtf8(header);
    for (QString part : text.split(QRegularExpression(u"[,;]"_s))) {
        part = part.trimmed();
        if (part.startsWith("client="_L1, Qt::CaseInsensitive))
            return part.mid(7).trimmed();
    }
    return {};
}

int RestRouter::parseVersion(const QString &segment, int maxVersion)
{
    if (segment == "latest"_L1)
        return maxVersion;
    if (!segment.startsWith(u'v') || !segment.endsWith(".0"_L1) || segment.size() < 4)
        return -1;
    bool ok = false;
    const int v = segment.mid(1, segment.size() - 3).toInt(&ok);
    return ok && v > 0 ? v : -1;
}

QString RestRouter::usageKind(const RestCall &call) const
{
    if (call.path.isEmpty())
        return u"resources"_s;
    const QString &first = call.path[0];
    if (first == "sobjects"_L1)
        return SObjectResource::usageKind(call);
    if (first == "query"_L1 || first == "queryAll"_L1)
        return u"query"_s;
    if (first == "composite"_L1)
        return call.path.size() >= 2 && call.path[1] == "sobjects"_L1 ? u"collections"_s
                                                                      : u"composite"_s;
    if (first == "limits"_L1)
        return u"limits"_s;
    if (first == "jobs"_L1)
        return u"bulk"_s;
    return u"other"_s;
}

ApiResponse RestRouter::route(const RestCall &call)
{
    const QStringList &p = call.path;
    if (p.isEmpty())
        return VersionsResource::resources(call.version);
    if (p[0] == "sobjects"_L1)
        return m_sobjects->handle(call);
    if (p[0] == "query"_L1 || p[0] == "queryAll"_L1)
        return m_query->handle(call);
    if (p[0] == "composite"_L1) {
        if (p.size() >= 2 && p[1] == "sobjects"_L1)
            return m_collections->handle(call);
        if (p.size() == 1)
            return m_composite->handle(call);
        return notFound();
    }
    if (p[0] == "limits"_L1 && p.size() == 1)
        return LimitsResource::handle(m_org.usage());
    if (p[0] == "jobs"_L1 && p.size() >= 2 && !call.request.internal) {
        if (p[1] == "ingest"_L1)
            return m_bulkIngest->handle(call);
        if (p[1] == "query"_L1)
            return m_bulkQuery->handle(call);
    }
    return notFound();
}

ApiResponse RestRouter::handle(const ApiRequest &request)
{
    const SandboxConfig &config = m_org.config();
    if (request.segments.size() == 2) {
        if (request.method != "GET" && request.method != "HEAD")
            return notFound();
        return VersionsResource::versions(config.minApiVersion, config.maxApiVersion);
    }
    const int version = parseVersion(request.segments[2], config.maxApiVersion);
    ApiResponse response;
    if (version < 0 || version > config.maxApiVersion) {
        response = notFound();
    } else if (version < config.minApiVersion) {
        response = ApiResponse::error(
            410, u"UNSUPPORTED_API_VERSION"_s,
            u"The requested API version (v%1.0) has been retired and is no longer available."_s.arg(
                version));
    } else {
        const QByteArray authorization = request.header("authorization");
        const qsizetype space = authorization.indexOf(' ');
        const QByteArray scheme = authorization.left(space).toLower();
        const Session *session = nullptr;
        if (space < 0 || (scheme != "bearer" && scheme != "oauth")) {
            response = ApiResponse::error(401, u"INVALID_AUTH_HEADER"_s, u"INVALID_HEADER_TYPE"_s);
        } else if (!(session = m_org.sessions().session(
                         QString::fromLatin1(authorization.mid(space + 1).trimmed()), m_org.nowMs(),
                         config.sessionLifetimeSecs * 1000))) {
            response
                = ApiResponse::error(401, u"INVALID_SESSION_ID"_s, u"Session expired or invalid"_s);
        } else if (m_org.usage().exhausted()) {
            response = ApiResponse::error(403, u"REQUEST_LIMIT_EXCEEDED"_s,
                                          u"TotalRequests Limit exceeded."_s);
        } else {
            const QString client = callOptionsClient(request.header("sforce-call-options"));
            const QString versionText = QString::number(version) + u".0"_s;
            RestCall call {
                request, versionText,
                version, request.segments.mid(3),
                session, {session->grant.userId, client, false, true, u"rest/"_s + versionText}};
            m_org.usage().count(usageKind(call));
            response = route(call);
            m_org.data().clearJournal();
        }
    }
    response.setHeader("Sforce-Limit-Info", m_org.usage().limitInfo());
    return response;
}

ApiResponse RestRouter::handleSubrequest(const ApiRequest &request, const RestCall &parent)
{
    if (!handles(request) || request.segments.size() < 3)
        return notFound();
    const int version = parseVersion(request.segments[2], m_org.config().maxApiVersion);
    if (version < m_org.config().minApiVersion || version > m_org.config().maxApiVersion)
        return notFound();
    const RestCall call {request,        QString::number(version) + u".0"_s,
                         version,        request.segments.mid(3),
                         parent.session, parent.writer};
    return route(call);
}

} // namespace lb::sandbox
