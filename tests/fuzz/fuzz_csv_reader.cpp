// libFuzzer entry for the CSV reader and the import checks built on it. Build with
// -fsanitize=fuzzer (the fuzz preset); seeds in corpus/csv_reader/.
#include "importer/CsvReader.h"
#include "importer/ImportPlan.h"
#include "mapping/FieldMapping.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    // Small limits, so the caps are reached and their paths run too.
    lb::CsvReader::Limits limits;
    limits.maxFieldBytes = 256;
    limits.maxFields = 64;
    limits.maxRecords = 2000;
    lb::CsvReader reader(bytes, limits);
    lb::CsvRecord record;
    int lastLine = 0;
    while (reader.next(record)) {
        // Records come in file order and every one says where it starts.
        if (record.line < lastLine || record.line < 1)
            __builtin_trap();
        if (record.fields.size() > limits.maxFields)
            __builtin_trap();
        lastLine = record.line;
    }

    static const lb::ObjectMapping leads = [] {
        auto mapping = lb::FieldMapping::defaultMapping();
        return mapping ? mapping->lead : lb::ObjectMapping();
    }();
    auto plan = lb::ImportPlan::fromBytes(bytes, QStringLiteral("fuzz.csv"), limits);
    if (plan) {
        const lb::ImportReport report = plan->analyse(leads);
        if (report.validRows > report.rows)
            __builtin_trap();
    }
    return 0;
}
