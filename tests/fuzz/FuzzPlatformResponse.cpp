// libFuzzer target: every decoder LeadPlatformClient runs on a platform API answer, fed the
// answer as FuzzHttpAnswer.h lays it out. The selector picks: a lead listing page, an agent
// page, a batch upsert's 207 results, one lead or agent, or a failed exchange's error with its
// rate-limit headers and Retry-After. What is accepted must read back the same from its own
// JSON (nothing the engine stores changes on the way through).
#include "FuzzHttpAnswer.h"
#include "platform/PlatformPages.h"
#include "platform/PlatformResponse.h"
#include "platform/PlatformTypes.h"

using lb::fuzz::require;
using namespace lb::platform;

namespace {

constexpr qint64 Now = 1'767'225'600'000; // 2026-01-01

void requireError(const lb::Error &e)
{
    require(!e.code.isEmpty() && !e.message.isEmpty());
}

void requireLead(const PlatformLead &lead, bool observed)
{
    require(isValidRecordId(lead.id));
    const auto again = observed ? PlatformLead::fromObserved(lead.toJson())
                                : PlatformLead::fromJson(lead.toJson());
    require(again.ok() && *again == lead);
}

void requireTombstone(const PlatformTombstone &t)
{
    require(isValidRecordId(t.id));
    const auto again = PlatformTombstone::fromJson(t.toJson());
    require(again.ok() && *again == t);
}

void requireAgent(const PlatformAgent &agent)
{
    require(isValidRecordId(agent.id));
    const auto again = PlatformAgent::fromJson(agent.toJson());
    require(again.ok() && *again == agent);
}

void leadPage(const lb::HttpResponse &r)
{
    const auto body = response::jsonObjectOf(r);
    if (!body) {
        requireError(body.error());
        return;
    }
    const auto page = pages::readLeadPage(r, *body);
    if (!page) {
        requireError(page.error());
        return;
    }
    const qsizetype listed = body->value(QStringLiteral("data")).toArray().size();
    require(page->leads.size() + page->tombstones.size() + page->rejected.size() == listed);
    for (const auto &lead : page->leads)
        requireLead(lead, true);
    for (const auto &t : page->tombstones)
        requireTombstone(t);
    for (const auto &rejected : page->rejected)
        requireError(rejected.error);
}

void agentPage(const lb::HttpResponse &r)
{
    const auto body = response::jsonObjectOf(r);
    if (!body)
        return requireError(body.error());
    const auto page = pages::readAgentPage(r, *body);
    if (!page)
        return requireError(page.error());
    require(page->agents.size() == body->value(QStringLiteral("data")).toArray().size());
    for (const auto &agent : page->agents)
        requireAgent(agent);
}

void batch(const lb::HttpResponse &r)
{
    const auto body = response::jsonObjectOf(r);
    if (!body)
        return requireError(body.error());
    const QStringList ids {QStringLiteral("L-1"), QStringLiteral("L-2"), QStringLiteral("L-3")};
    const auto results = pages::readBatchResults(r, *body, ids);
    if (!results)
        return requireError(results.error());
    require(results->size() == ids.size());
    for (qsizetype i = 0; i < results->size(); ++i) {
        const BatchItemResult &item = results->at(i);
        require(item.id == ids.at(i) && item.status >= 100 && item.status <= 599);
        if (item.current)
            requireLead(*item.current, false);
        if (item.tombstone)
            requireTombstone(*item.tombstone);
    }
}

void single(const lb::HttpResponse &r, bool agent)
{
    const auto body = response::jsonObjectOf(r);
    if (!body)
        return requireError(body.error());
    if (agent) {
        if (const auto a = PlatformAgent::fromJson(*body))
            requireAgent(*a);
        return;
    }
    if (PlatformTombstone::isTombstone(*body)) {
        if (const auto t = PlatformTombstone::fromJson(*body))
            requireTombstone(*t);
    } else if (const auto lead = PlatformLead::fromJson(*body)) {
        requireLead(*lead, false);
    }
}

void failure(const lb::HttpResponse &r)
{
    const lb::Error e = response::errorOf(r, Now);
    requireError(e);
    require(e.retryAfterMs >= -1);
    require(e.httpStatus == r.status || r.status == 0);
    if (const auto limits = response::limitsOf(r, Now))
        require(limits->system == QLatin1StringView("platform") && limits->used >= 0
                && limits->used <= limits->max);
    require(response::retryAfterMs(r, Now) >= -1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lb::fuzz::FuzzedAnswer in;
    if (!lb::fuzz::readAnswer(data, size, in))
        return 0;
    switch (in.selector % 6) {
    case 0:
        leadPage(in.response);
        break;
    case 1:
        agentPage(in.response);
        break;
    case 2:
        batch(in.response);
        break;
    case 3:
        single(in.response, false);
        break;
    case 4:
        single(in.response, true);
        break;
    case 5:
        failure(in.response);
        break;
    }
    return 0;
}
