#include "ImportPlan.h"

#include "mapping/RecordMapper.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <cmath>

namespace lb {
namespace {

struct Alias
{
    const char *field;
    const char *names; // '|'-separated, normalised (lower case, single spaces)
};
constexpr Alias Aliases[] = {
    {"id", "id|platform id|platform lead id|lead id|platform_lead_id__c"},
    {"first_name", "first name|firstname|given name|forename"},
    {"last_name", "last name|lastname|surname|family name"},
    {"company", "company|company name|organisation|organization|account"},
    {"email", "email|e mail|email address|mail"},
    {"phone", "phone|phone number|telephone|tel|mobile"},
    {"status", "status|lead status"},
    {"source", "source|lead source|leadsource"},
    {"score", "score|lead score|lead_score__c"},
    {"value", "value|estimated value|estimated_value__c|amount"},
    {"agent_id", "agent id|agent|assigned agent|platform agent id"},
    {"eligible", "eligible|eligible for distribution|eligible_for_distribution__c"},
};

QString normalisedHeader(const QString &header)
{
    QString h = header.trimmed().toLower();
    h.replace(u'_', u' ');
    h.replace(u'-', u' ');
    return h.simplified();
}

std::optional<bool> parseBool(const QString &text)
{
    const QString t = text.toLower();
    if (t == QLatin1String("true") || t == QLatin1String("yes") || t == QLatin1String("y")
        || t == QLatin1String("1"))
        return true;
    if (t == QLatin1String("false") || t == QLatin1String("no") || t == QLatin1String("n")
        || t == QLatin1String("0"))
        return false;
    return std::nullopt;
}

// The value map of a field's "map" transform (platform value -> Salesforce value), if any.
QJsonObject valueMap(const FieldRule *rule)
{
    if (!rule)
        return {};
    for (const Transform &t : rule->transforms) {
        if (t.kind() == Transform::Kind::Map)
            return t.toJson().toObject().value(QStringLiteral("map")).toObject();
    }
    return {};
}

} // namespace

const QStringList &ImportPlan::targetFields()
{
    static const QStringList fields = [] {
        QStringList out;
        for (const Alias &a : Aliases)
            out.append(QString::fromLatin1(a.field));
        return out;
    }();
    return fields;
}

QString ImportPlan::fieldForHeader(const QString &header)
{
    const QString h = normalisedHeader(header);
    if (h.isEmpty())
        return {};
    for (const Alias &a : Aliases) {
        const QString names = QString::fromLatin1(a.names);
        for (const QString &name : names.split(u'|')) {
            if (normalisedHeader(name) == h)
                return QString::fromLatin1(a.field);
        }
    }
    return {};
}

QString ImportPlan::eventId(const QString &fileHash, int row)
{
    return QStringLiteral("import:%1:%2").arg(fileHash.left(16)).arg(row);
}

Result<ImportPlan> ImportPlan::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("import_file"),
                         QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    const CsvReader::Limits limits;
    if (file.size() > limits.maxBytes)
        return makeError(QStringLiteral("csv_too_large"),
                         QStringLiteral("%1 is larger than %2 MiB; split it into smaller files.")
                             .arg(QFileInfo(path).fileName())
                             .arg(limits.maxBytes / (1024 * 1024)));
    return fromBytes(file.read(limits.maxBytes + 1), QFileInfo(path).fileName(), limits);
}

Result<ImportPlan> ImportPlan::fromBytes(QByteArray data, const QString &fileName,
                                         CsvReader::Limits limits)
{
    ImportPlan plan;
    plan.m_limits = limits;
    plan.m_fileName = fileName;
    plan.m_hash
        = QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
    CsvReader reader(data, limits);
    CsvRecord header;
    if (!reader.next(header)) {
        if (reader.fatal())
            return *reader.fatal();
        return makeError(
            QStringLiteral("csv_empty"),
            QStringLiteral("%1 is empty: the first line should name the columns.").arg(fileName));
    }
    if (!header.ok())
        return makeError(
            QStringLiteral("csv_header"),
            QStringLiteral("Line %1 (the header): %2").arg(header.line).arg(header.error));
    for (const QString &name : std::as_const(header.fields))
        plan.m_header.append(name.trimmed());
    plan.m_data = std::move(data);
    plan.autoMap();
    return plan;
}

void ImportPlan::autoMap()
{
    m_columnFields.clear();
    for (const QString &name : std::as_const(m_header)) {
        const QString field = fieldForHeader(name);
        // The first column naming a field gets it; a repeat is left out.
        m_columnFields.append(m_columnFields.contains(field) ? QString() : field);
    }
}

Result<void> ImportPlan::setColumnFields(const QStringList &fields)
{
    if (fields.size() != m_header.size())
        return makeError(QStringLiteral("import_mapping"),
                         QStringLiteral("The file has %1 columns, the mapping names %2.")
                             .arg(m_header.size())
                             .arg(fields.size()));
    for (const QString &f : fields) {
        if (!f.isEmpty() && !targetFields().contains(f))
            return makeError(QStringLiteral("import_mapping"),
                             QStringLiteral("\"%1\" is not a lead field.").arg(f));
    }
    m_columnFields = fields;
    if (const QString e = mappingError(); !e.isEmpty())
        return makeError(QStringLiteral("import_mapping"), e);
    return {};
}

QString ImportPlan::mappingError() const
{
    QSet<QString> seen;
    for (int i = 0; i < m_columnFields.size(); ++i) {
        const QString &f = m_columnFields.at(i);
        if (f.isEmpty())
            continue;
        if (seen.contains(f))
            return QStringLiteral("Two columns are mapped to %1; map it once.").arg(f);
        seen.insert(f);
    }
    if (!seen.contains(QStringLiteral("last_name")))
        return QStringLiteral("No column is mapped to last_name, which every lead needs.");
    return {};
}

ImportPlan::Row ImportPlan::buildRow(const CsvRecord &record, int dataRow,
                                     const RecordMapper &mapper, QSet<QString> &seenIds,
                                     QHash<QString, int> &idLines) const
{
    const ObjectMapping &mapping = mapper.mapping();
    Row row;
    auto issue = [&](const QString &field, const QString &message) {
        row.issues.append({record.line, field, message});
    };
    if (!record.ok()) {
        issue({}, record.error);
        return row;
    }
    if (record.fields.size() != m_header.size()) {
        issue({},
              QStringLiteral("the row has %1 fields, the header has %2")
                  .arg(record.fields.size())
                  .arg(m_header.size()));
        return row;
    }
    bool idMapped = false;
    for (int i = 0; i < m_columnFields.size(); ++i) {
        const QString &field = m_columnFields.at(i);
        if (field.isEmpty())
            continue;
        if (field == QLatin1String("id"))
            idMapped = true;
        const QString text = record.fields.at(i).trimmed();
        if (text.isEmpty())
            continue;
        if (field == QLatin1String("score")) {
            bool ok = false;
            const double v = text.toDouble(&ok);
            // Range first: converting 1e30 to qint64 is undefined (found by fuzz_import_plan).
            if (!ok || !(std::abs(v) < 9.0e15) || v != double(qint64(v)))
                issue(field,
                      QStringLiteral("score: \"%1\" is not a whole number").arg(text.left(40)));
            else
                row.lead.insert(field, qint64(v));
        } else if (field == QLatin1String("value")) {
            bool ok = false;
            const double v = text.toDouble(&ok);
            if (!ok || !qIsFinite(v))
                issue(field,
                      QStringLiteral("value: \"%1\" is not a number (write 1234.50)")
                          .arg(text.left(40)));
            else
                row.lead.insert(field, v);
        } else if (field == QLatin1String("eligible")) {
            const auto b = parseBool(text);
            if (!b)
                issue(field,
                      QStringLiteral("eligible: \"%1\" is not yes/no or true/false")
                          .arg(text.left(40)));
            else
                row.lead.insert(field, *b);
        } else if (const QJsonObject map = valueMap(mapping.byPlatform(field)); !map.isEmpty()) {
            // Platform values, or the Salesforce picklist values they map to.
            QString value;
            for (auto it = map.begin(); it != map.end() && value.isEmpty(); ++it) {
                if (it.key().compare(text, Qt::CaseInsensitive) == 0
                    || it.value().toString().compare(text, Qt::CaseInsensitive) == 0)
                    value = it.key();
            }
            if (value.isEmpty())
                issue(field,
                      QStringLiteral("%1: \"%2\" is not one of %3")
                          .arg(field, text.left(40), map.keys().join(QStringLiteral(", "))));
            else
                row.lead.insert(field, value);
        } else {
            row.lead.insert(field, text);
        }
    }
    QString id = row.lead.value(mapping.platformKey).toString();
    if (!idMapped) {
        id = QStringLiteral("IMP-%1-%2").arg(m_hash.left(12)).arg(dataRow);
        row.lead.insert(mapping.platformKey, id);
    } else if (id.isEmpty()) {
        issue(QStringLiteral("id"),
              QStringLiteral("id is empty; fill it, or map no column to id "
                             "so that ids are assigned"));
    }
    if (!id.isEmpty()) {
        if (seenIds.contains(id))
            issue(QStringLiteral("id"),
                  QStringLiteral("id %1 is also on line %2; a lead may "
                                 "appear once per file")
                      .arg(id.left(40))
                      .arg(idLines.value(id)));
        else {
            seenIds.insert(id);
            idLines.insert(id, record.line);
        }
    }
    if (row.issues.isEmpty()) {
        auto mapped = mapper.toSalesforce(row.lead, false);
        if (!mapped)
            issue({}, mapped.error().message);
    }
    return row;
}

ImportReport ImportPlan::analyse(const ObjectMapping &leadMapping, const Progress &progress,
                                 const std::atomic_bool *cancel) const
{
    ImportReport report;
    report.fileName = m_fileName;
    report.fileHash = m_hash;
    report.header = m_header;
    report.columnFields = m_columnFields;
    report.fileError = mappingError();
    if (!m_columnFields.contains(QStringLiteral("id")))
        report.notes.append(QStringLiteral("No column holds platform ids: each lead gets one "
                                           "(IMP-%1-<row>).")
                                .arg(m_hash.left(12)));
    QStringList ignored;
    for (int i = 0; i < m_header.size(); ++i) {
        if (m_columnFields.value(i).isEmpty())
            ignored.append(m_header.at(i).isEmpty() ? QStringLiteral("#%1").arg(i + 1)
                                                    : m_header.at(i));
    }
    if (!ignored.isEmpty())
        report.notes.append(
            QStringLiteral("Not imported: %1.").arg(ignored.join(QStringLiteral(", "))));

    const RecordMapper mapper(leadMapping);
    CsvReader reader(m_data, m_limits);
    CsvRecord record;
    reader.next(record); // the header
    QSet<QString> seenIds;
    QHash<QString, int> idLines;
    int dataRow = 0;
    while (reader.next(record)) {
        if (cancel && cancel->load()) {
            report.fileError = QStringLiteral("Checking the file was cancelled.");
            break;
        }
        ++dataRow;
        const Row row = buildRow(record, dataRow, mapper, seenIds, idLines);
        ++report.rows;
        if (row.issues.isEmpty())
            ++report.validRows;
        report.issueCount += int(row.issues.size());
        for (const ImportIssue &i : row.issues) {
            if (report.issues.size() < ImportReport::MaxIssues)
                report.issues.append(i);
        }
        if (report.sample.size() < ImportReport::SampleRows)
            report.sample.append({record.line, record.fields, row.issues.isEmpty()});
        if (progress && dataRow % 1000 == 0)
            progress(int(reader.position() * 100 / std::max<qsizetype>(1, reader.size())), 100);
    }
    if (reader.fatal()) {
        report.fileError = reader.fatal()->message;
        if (report.issues.size() < ImportReport::MaxIssues && report.rows == 0)
            report.issues.append({0, {}, reader.fatal()->message});
    }
    if (progress)
        progress(100, 100);
    return report;
}

} // namespace lb
