// libFuzzer entry for the Bulk API 2.0 result reader (Salesforce's answers are read through it).
// The first byte picks what the rest is read as: successfulResults, failedResults,
// unprocessedrecords or a query results page. Seeds in corpus/fuzz_bulk_results/.
#include "salesforce/bulk/Bulk2ResultReader.h"

#include <cstddef>
#include <cstdint>

using lb::salesforce::Bulk2ResultReader;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const int selector = data[0] % 4;
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    if (selector == 3) {
        const auto table = Bulk2ResultReader::readTable(bytes);
        if (table) {
            // Every row has the header's width.
            for (const QStringList &row : table->rows) {
                if (row.size() != table->columns.size())
                    __builtin_trap();
            }
        }
        return 0;
    }
    const auto kind = Bulk2ResultReader::Kind(selector);
    const auto rows = Bulk2ResultReader::read(bytes, kind);
    if (!rows) {
        if (rows.error().code.isEmpty() || rows.error().message.isEmpty())
            __builtin_trap();
        return 0;
    }
    int lastLine = 0;
    for (const auto &row : *rows) {
        if (row.line <= lastLine)
            __builtin_trap();
        lastLine = row.line;
        // A failed row carries exactly one error, with a code.
        if (kind == Bulk2ResultReader::Kind::Failed
            && (row.result.success || row.result.errors.size() != 1
                || row.result.errors.first().code.isEmpty()))
            __builtin_trap();
        if (kind == Bulk2ResultReader::Kind::Successful && !row.result.success)
            __builtin_trap();
    }
    return 0;
}
