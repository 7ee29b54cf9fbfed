#pragma once

#include "ReportQuery.h"

#include <memory>

class QIODevice;

namespace lb {

// Writes a report to a file: CSV and JSON here, PDF through a factory the caller supplies
// (it needs Qt Gui, which core does not link). The file appears only when the export is
// complete (QSaveFile): a failed or cancelled export leaves no partial file behind.
class ReportExporter
{
public:
    using SinkFactory = std::function<std::unique_ptr<ReportSink>(ReportFormat, QIODevice &)>;

    // The CSV and JSON writers; nullptr for PDF.
    static std::unique_ptr<ReportSink> coreSink(ReportFormat format, QIODevice &out);

    static Result<qint64> toFile(Store &store, const ReportRequest &request,
                                 const SinkFactory &factory = coreSink,
                                 const ReportQuery::Progress &progress = {},
                                 const std::atomic_bool *cancel = nullptr);
};

} // namespace lb
