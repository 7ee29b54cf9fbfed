// libFuzzer target: the CSV import path past the raw reader: ImportPlan::fromBytes (header
// matching), autoMap and analyse with the built-in lead mapping, as `leadbridge import` and the
// console's import view run them before anything is stored.
#include "importer/ImportPlan.h"

#include <cstdint>
#include <cstdlib>

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

const lb::ObjectMapping &leadMapping()
{
    static const lb::ObjectMapping mapping = [] {
        auto m = lb::FieldMapping::defaultMapping();
        require(m.ok());
        return m->lead;
    }();
    return mapping;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    lb::CsvReader::Limits limits;
    auto plan = lb::ImportPlan::fromBytes(bytes, QStringLiteral("fuzz.csv"), limits);
    if (!plan) {
        require(!plan.error().code.isEmpty() && !plan.error().message.isEmpty());
        return 0;
    }
    plan->autoMap();
    require(plan->columnFields().size() == plan->header().size());
    const lb::ImportReport report = plan->analyse(leadMapping());
    require(report.validRows >= 0 && report.validRows <= report.rows);
    require(report.issues.size() <= lb::ImportReport::MaxIssues);
    require(report.issueCount >= report.issues.size());
    require(report.sample.size() <= lb::ImportReport::SampleRows);
    require(report.fileHash == plan->fileHash());
    for (const auto &row : report.sample)
        require(row.line > 0);
    return 0;
}
