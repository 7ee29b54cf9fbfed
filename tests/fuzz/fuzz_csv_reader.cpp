// libFuzzer entry for the CSV reader (imports read untrusted files through it). Build with
// -fsanitize=fuzzer (the fuzz preset); seeds in corpus/csv_reader/.
#include "importer/CsvReader.h"

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

    return 0;
}
