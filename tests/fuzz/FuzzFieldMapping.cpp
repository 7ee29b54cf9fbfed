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

    const QJsonObject lead {{u"id"_qs, u"L-1"_qs},
                            {u"first_name"_qs, u" Zoë "_qs},
                            {u"last_name"_qs, u"O'Brien"_qs},
                            {u"email"_qs, u"ZOE@EXAMPLE.COM"_qs},
                            {u"phone"_qs, u"(415) 555-0100"_qs},
                            {u"score"_qs, 130},
                            {u"value"_qs, 2.5e4},
                            {u"agent_id"_qs, QJsonValue::Null},
                            {u"status"_qs, u"new"_qs},
                            {u"eligible"_qs, true}};
    const QJsonObject sfLead {
        {u"Id"_qs, u"00Q000000000001AAA"_qs},
        {u"Platform_Lead_Id__c"_qs, u"L-1"_qs},
        {u"LastName"_qs, u"\u05e9\u05dc\u05d5\u05dd"_qs},
        {u"Email"_qs, u"bad@"_qs},
        {u"Phone"_qs, u"+44 20 7946 0958"_qs},
        {u"Assigned_Agent__r"_qs, QJsonObject {{u"Platform_Agent_Id__c"_qs, u"A-1"_qs}}}};
    apply(mapping->lead, lead, sfLead);
    const QJsonObject agent {{u"id"_qs, u"A-1"_qs},
                             {u"name"_qs, u"Ana"_qs},
                             {u"states"_qs, QJsonArray {u"CA"_qs, u"NY"_qs}},
                             {u"capacity"_qs, 10}};
    const QJsonObject person {{u"Id"_qs, u"a00000000000001AAA"_qs},
                              {u"Name"_qs, u"Ana"_qs},
                              {u"States__c"_qs, u"CA;NY"_qs},
                              {u"Capacity__c"_qs, 10.0}};
    apply(mapping->agent, agent, person);
    return 0;
}
