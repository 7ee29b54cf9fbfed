#include "LimitsResource.h"

#include "ApiUsage.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

QJsonObject limit(qint64 max, qint64 remaining)
{
    return QJsonObject {{u"Max"_s, max}, {u"Remaining"_s, remaining}};
}

QJsonObject remainingOf(qint64 max, qint64 used)
{
    return limit(max, qMax<qint64>(0, max - used));
}

constexpr qint64 kMiB = 1024 * 1024;

} // namespace

ApiResponse LimitsResource::handle(const ApiUsage &usage)
{
    QJsonObject daily = limit(usage.max(), usage.remaining());
    daily.insert(u"LeadBridge"_s, limit(0, 0));
    const QJsonObject body {
        {u"DailyApiRequests"_s, daily},
        {u"DailyAsyncApexExecutions"_s, limit(250000, 250000)},
        {u"DailyBulkApiBatches"_s, remainingOf(15000, usage.bulkBatches())},
        {u"DailyBulkV2QueryFileStorageMB"_s,
         remainingOf(976562, (usage.bulkQueryBytes() + kMiB - 1) / kMiB)},
        {u"DailyBulkV2QueryJobs"_s, remainingOf(10000, usage.bulkQueryJobs())},
        {u"DailyDurableStreamingApiEvents"_s, limit(10000, 10000)},
        {u"DailyGenericStreamingApiEvents"_s, limit(10000, 10000)},
        {u"DailyStandardVolumePlatformEvents"_s, limit(10000, 10000)},
        {u"DailyStreamingApiEvents"_s, limit(10000, 10000)},
        {u"DataStorageMB"_s, limit(1024, 1000)},
        {u"DurableStreamingApiConcurrentClients"_s, limit(20, 20)},
        {u"FileStorageMB"_s, limit(1024, 1024)},
        {u"HourlyPublishedPlatformEvents"_s, limit(50000, 50000)},
        {u"MonthlyPlatformEventsUsageEntitlement"_s, limit(0, 0)},
        {u"SingleEmail"_s, limit(15, 15)},
        {u"StreamingApiConcurrentClients"_s, limit(20, 20)},
    };
    return ApiResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace lb::sandbox
