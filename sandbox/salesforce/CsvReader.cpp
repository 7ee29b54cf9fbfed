#include "CsvReader.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

Result<QList<CsvReader::Row>> CsvReader::parse(const QByteArray &data, QChar delimiter)
{
    QString text = QString::fromUtf8(data);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    QList<Row> rows;
    Row row;
    QString field;
    int line = 1;
    row.line = 1;
    bool quoted = false; // inside a quoted field
    bool wasQuoted = false; // the current field was quoted (only a separator may follow)
    bool rowHasContent = false;
    auto endField = [&] {
        row.fields.append(field);
        field.clear();
        wasQuoted = false;
    };
    auto endRow = [&]() -> Result<void> {
        endField();
        if (rowHasContent || row.fields.size() > 1 || !row.fields.constFirst().isEmpty()) {
            if (!rows.isEmpty() && row.fields.size() != rows.constFirst().fields.size()) {
                return makeError(u"CSV_FIELD_COUNT"_s,
                                 u"line %1: expected %2 fields, found %3"_s.arg(row.line)
                                     .arg(rows.constFirst().fields.size())
                                     .arg(row.fields.size()));
            }
            rows.append(row);
        }
        row = Row();
        row.line = line;
        rowHasContent = false;
        return {};
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text[i + 1] == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    quoted = false;
                    wasQuoted = true;
                }
            } else {
                if (c == u'\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == delimiter) {
            endField();
            rowHasContent = true;
        } else if (c == u'\r' || c == u'\n') {
            if (c == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n')
                ++i;
            ++line;
            if (auto r = endRow(); !r)
                return r.error();
        } else if (c == u'"') {
            if (!field.isEmpty() || wasQuoted)
                return makeError(u"CSV_QUOTE"_s,
                                 u"line %1: a quote inside an unquoted field"_s.arg(line));
            quoted = true;
            rowHasContent = true;
        } else {
            if (wasQuoted)
                return makeError(u"CSV_QUOTE"_s,
                                 u"line %1: text after a closing quote"_s.arg(line));
            field += c;
        }
    }
    if (quoted)
        return makeError(u"CSV_QUOTE"_s,
                         u"line %1: a quoted field is not closed before the end"_s.arg(row.line));
    if (!field.isEmpty() || wasQuoted || rowHasContent || !row.fields.isEmpty()) {
        if (auto r = endRow(); !r)
            return r.error();
    }
    return rows;
}

} // namespace lb::sandbox
