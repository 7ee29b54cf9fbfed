#include "CsvReader.h"

#include <QStringDecoder>

namespace lb {
namespace {

QString decodeField(const QByteArray &bytes, bool *valid)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    *valid = !decoder.hasError();
    return text;
}

} // namespace

CsvReader::CsvReader(QByteArray data)
    : CsvReader(std::move(data), Limits())
{ }

CsvReader::CsvReader(QByteArray data, Limits limits)
    : m_data(std::move(data))
    , m_limits(limits)
{
    if (m_data.size() > m_limits.maxBytes) {
        m_fatal = makeError(QStringLiteral("csv_too_large"),
                            QStringLiteral("The file is larger than %1 MiB; split it into "
                                           "smaller files.")
                                .arg(m_limits.maxBytes / (1024 * 1024)));
        m_pos = m_data.size();
        return;
    }
    if (m_data.startsWith("\xEF\xBB\xBF"))
        m_pos = 3;
}

bool CsvReader::atLineEnd(qsizetype i) const
{
    return i < m_data.size() && (m_data.at(i) == '\n' || m_data.at(i) == '\r');
}

// Past one line ending (CRLF, LF or CR) at i; counts the line.
qsizetype CsvReader::consumeLineEnd(qsizetype i)
{
    if (m_data.at(i) == '\r' && i + 1 < m_data.size() && m_data.at(i + 1) == '\n')
        ++i;
    ++m_line;
    return i + 1;
}

void CsvReader::skipToNextLine()
{
    while (m_pos < m_data.size() && !atLineEnd(m_pos))
        ++m_pos;
    if (m_pos < m_data.size())
        m_pos = consumeLineEnd(m_pos);
}

bool CsvReader::next(CsvRecord &record)
{
    record = CsvRecord();
    if (m_fatal)
        return false;
    // Empty lines are no records.
    while (atLineEnd(m_pos))
        m_pos = consumeLineEnd(m_pos);
    if (m_pos >= m_data.size())
        return false;
    if (m_records >= m_limits.maxRecords) {
        m_fatal = makeError(QStringLiteral("csv_too_many_rows"),
                            QStringLiteral("The file has more than %1 rows; split it into "
                                           "smaller files.")
                                .arg(m_limits.maxRecords));
        return false;
    }
    ++m_records;
    record.line = m_line;

    QByteArray field;
    bool fieldTooLong = false;
    auto fail = [&record](const QString &message) {
        if (record.error.isEmpty())
            record.error = message;
    };
    auto append = [&](char c) {
        if (field.size() >= m_limits.maxFieldBytes) {
            fieldTooLong = true;
            return;
        }
        field.append(c);
    };
    auto endField = [&] {
        const int number = int(record.fields.size()) + 1;
        if (fieldTooLong)
            fail(QStringLiteral("field %1 is longer than %2 KiB")
                     .arg(number)
                     .arg(m_limits.maxFieldBytes / 1024));
        if (field.contains('\0'))
            fail(QStringLiteral("field %1 contains a NUL byte (is this a binary file?)")
                     .arg(number));
        bool valid = true;
        QString text = decodeField(field, &valid);
        if (!valid)
            fail(QStringLiteral("field %1 is not valid UTF-8; save the file as UTF-8 CSV")
                     .arg(number));
        if (record.fields.size() < m_limits.maxFields)
            record.fields.append(std::move(text));
        else
            fail(QStringLiteral("the row has more than %1 fields").arg(m_limits.maxFields));
        field.clear();
        fieldTooLong = false;
    };

    const qsizetype size = m_data.size();
    for (;;) {
        // At the start of a field.
        if (m_pos < size && m_data.at(m_pos) == '"') {
            const int openedOn = m_line;
            ++m_pos;
            bool closed = false;
            while (m_pos < size) {
                const char c = m_data.at(m_pos);
                if (c == '"') {
                    if (m_pos + 1 < size && m_data.at(m_pos + 1) == '"') {
                        append('"');
                        m_pos += 2;
                        continue;
                    }
                    ++m_pos;
                    closed = true;
                    break;
                }
                if (c == '\r' || c == '\n') {
                    // Line breaks inside quotes belong to the field, normalised to LF.
                    m_pos = consumeLineEnd(m_pos);
                    append('\n');
                    continue;
                }
                append(c);
                ++m_pos;
            }
            if (!closed) {
                m_fatal = makeError(
                    QStringLiteral("csv_unterminated_quote"),
                    QStringLiteral("Line %1: a quoted field starts here and is never closed, so "
                                   "the rest of the file (to line %2) cannot be read. Close the "
                                   "quote, or double a quote meant as text (\"\").")
                        .arg(openedOn)
                        .arg(m_line));
                endField();
                fail(m_fatal->message);
                return true;
            }
            if (m_pos < size && m_data.at(m_pos) != ',' && !atLineEnd(m_pos)) {
                fail(QStringLiteral("field %1 has text after its closing quote")
                         .arg(record.fields.size() + 1));
                endField();
                skipToNextLine();
                return true;
            }
        } else {
            while (m_pos < size && m_data.at(m_pos) != ',' && !atLineEnd(m_pos)) {
                const char c = m_data.at(m_pos);
                if (c == '"') {
                    fail(QStringLiteral("field %1 has a quote inside an unquoted field; quote "
                                        "the whole field and double the quote (\"\")")
                             .arg(record.fields.size() + 1));
                }
                append(c);
                ++m_pos;
            }
        }
        endField();
        if (m_pos >= size)
            return true;
        if (m_data.at(m_pos) == ',') {
            ++m_pos;
            continue; // a trailing comma means one more, empty, field
        }
        m_pos = consumeLineEnd(m_pos);
        return true;
    }
}

} // namespace lb
