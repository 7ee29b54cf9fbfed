// libFuzzer target: every decoder SalesforceClient runs on a Salesforce REST answer, fed the
// answer as FuzzHttpAnswer.h lays it out. The selector picks: a query page (then each record
// as the poll intake reads it), SaveResult/Collections results, a Composite answer, a failed
// call's error (all four envelopes), the Sforce-Limit-Info header or the /limits resource.
#include "FuzzHttpAnswer.h"
#include "salesforce/ApiLimitsParser.h"
#include "salesforce/ErrorEnvelope.h"
#include "salesforce/ResponseParser.h"
#include "sync/SalesforceRecordChange.h"

using lb::fuzz::require;
using lb::salesforce::ApiLimitsParser;
using lb::salesforce::ErrorEnvelope;
using lb::salesforce::ResponseParser;

namespace {

void requireError(const lb::Error &e)
{
    require(!e.code.isEmpty() && !e.message.isEmpty());
}

void queryPage(const QByteArray &body)
{
    const auto page = ResponseParser::queryPage(body);
    if (!page) {
        requireError(page.error());
        return;
    }
    require(page->done || !page->nextRecordsUrl.isEmpty());
    const auto changes
        = lb::SalesforceRecordChange::fromRecords(page->records, QStringLiteral("poll"));
    require(changes.size() == page->records.size());
    for (qsizetype i = 0; i < changes.size(); ++i) {
        require(changes.at(i).origin == QLatin1StringView("poll"));
        require(changes.at(i).fields == page->records.at(i));
    }
}

void recordResults(const QByteArray &body, qsizetype expected)
{
    const auto results = ResponseParser::recordResults(body, expected);
    if (!results) {
        requireError(results.error());
        return;
    }
    require(expected < 0 || results->size() == expected);
}

void composite(const QByteArray &body)
{
    const QStringList refs {QStringLiteral("r0"), QStringLiteral("r1"), QStringLiteral("r2")};
    const auto subs = ResponseParser::compositeResponse(body, refs);
    if (!subs) {
        requireError(subs.error());
        return;
    }
    require(subs->size() == refs.size());
    for (qsizetype i = 0; i < subs->size(); ++i) {
        require(subs->at(i).referenceId == refs.at(i));
        require(subs->at(i).isSuccess() || subs->at(i).httpStatusCode < 200
                || subs->at(i).httpStatusCode >= 300);
    }
}

void error(const lb::HttpResponse &response)
{
    const lb::Error e = ErrorEnvelope::toError(response);
    requireError(e);
    require(e.httpStatus == (response.reachedServer() ? response.status : 0));
}

void limitInfo(const lb::HttpResponse &response)
{
    lb::ApiLimits limits;
    limits.system = QStringLiteral("salesforce");
    const lb::ApiLimits before = limits;
    const QByteArray header = response.header("Sforce-Limit-Info").isEmpty()
        ? response.body
        : response.header("Sforce-Limit-Info");
    if (!ApiLimitsParser::parseLimitInfo(header, limits)) {
        require(limits.used == before.used && limits.max == before.max
                && limits.counters == before.counters);
        return;
    }
    const lb::ApiLimits merged = ApiLimitsParser::merged(before, limits);
    require(merged.counters.size() >= limits.counters.size());
}

void limitsResource(const QByteArray &body)
{
    const auto limits = ApiLimitsParser::parseLimitsResource(body);
    if (!limits)
        requireError(limits.error());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lb::fuzz::FuzzedAnswer in;
    if (!lb::fuzz::readAnswer(data, size, in))
        return 0;
    switch (in.selector % 7) {
    case 0:
        queryPage(in.response.body);
        break;
    case 1:
        recordResults(in.response.body, -1);
        break;
    case 2:
        recordResults(in.response.body, in.response.status % 5);
        break;
    case 3:
        composite(in.response.body);
        break;
    case 4:
        error(in.response);
        break;
    case 5:
        limitInfo(in.response);
        break;
    case 6:
        limitsResource(in.response.body);
        break;
    }
    return 0;
}
