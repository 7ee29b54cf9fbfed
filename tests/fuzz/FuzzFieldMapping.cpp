// libFuzzer target: the mapping loader (FieldMapping::fromJson, what FieldMapping::load runs
// on a mapping file), then the accepted mapping applied both ways to a lead and an agent by
// RecordMapper, as the engine would. An accepted mapping writes itself back as JSON that
// loads to the same mapping.
#include "mapping/FieldMapping.h"
#include "mapping/RecordMapper.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

void apply(const lb::ObjectMapping &mapping, const QJsonObject &platform,
           const QJsonObject &salesforce)
{
    const lb::RecordMapper mapper(mapping);
    for (bool exists : {false, true}) {
        const auto toSf = mapper.toSalesforce(platform, exists);
        if (!toSf)
            require(!toSf.error().code.isEmpty());
        const auto toPf = mapper.toPlatform(salesforce, exists);
        if (!toPf)
            require(!toPf.error().code.isEmpty());
    }
    (void)mapper.platformKey(platform);
    (void)mapper.salesforceKey(salesforce);
    (void)mapping.salesforceFields();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto mapping = lb::FieldMapping::fromJson(json, QStringLiteral("fuzz"));
    if (!mapping) {
        require(mapping.error().code == QLatin1StringView("mapping"));
        return 0;
    }
    // What the console's mapping view saves must load again, unchanged.
    const QByteArray written = QJsonDocument(mapping->toJson()).toJson();
    const auto again = lb::FieldMapping::fromJson(written, QStringLiteral("fuzz (written)"));
    require(again.ok());
    require(QJsonDocument(again->toJson()).toJson() == written);

    const QJsonObject lead {{QStringLiteral("id"), QStringLiteral("L-1")},
                            {QStringLiteral("first_name"), QStringLiteral(" Zoë ")},
                            {QStringLiteral("last_name"), QStringLiteral("O'Brien")},
                            {QStringLiteral("email"), QStringLiteral("ZOE@EXAMPLE.COM")},
                            {QStringLiteral("phone"), QStringLiteral("(415) 555-0100")},
                            {QStringLiteral("score"), 130},
                            {QStringLiteral("value"), 2.5e4},
                            {QStringLiteral("agent_id"), QJsonValue::Null},
                            {QStringLiteral("status"), QStringLiteral("new")},
                            {QStringLiteral("eligible"), true}};
    const QJsonObject sfLead {
        {QStringLiteral("Id"), QStringLiteral("00Q000000000001AAA")},
        {QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1")},
        {QStringLiteral("LastName"), QStringLiteral("\u05e9\u05dc\u05d5\u05dd")},
        {QStringLiteral("Email"), QStringLiteral("bad@")},
        {QStringLiteral("Phone"), QStringLiteral("+44 20 7946 0958")},
        {QStringLiteral("Assigned_Agent__r"),
         QJsonObject {{QStringLiteral("Platform_Agent_Id__c"), QStringLiteral("A-1")}}}};
    apply(mapping->lead, lead, sfLead);
    const QJsonObject agent {
        {QStringLiteral("id"), QStringLiteral("A-1")},
        {QStringLiteral("name"), QStringLiteral("Ana")},
        {QStringLiteral("states"), QJsonArray {QStringLiteral("CA"), QStringLiteral("NY")}},
        {QStringLiteral("capacity"), 10}};
    const QJsonObject person {{QStringLiteral("Id"), QStringLiteral("a00000000000001AAA")},
                              {QStringLiteral("Name"), QStringLiteral("Ana")},
                              {QStringLiteral("States__c"), QStringLiteral("CA;NY")},
                              {QStringLiteral("Capacity__c"), 10.0}};
    apply(mapping->agent, agent, person);
    return 0;
}
