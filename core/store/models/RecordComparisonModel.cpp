#include "RecordComparisonModel.h"

#include "mapping/RecordMapper.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lb {
namespace {

QString text(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 15);
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

} // namespace

RecordComparisonModel::RecordComparisonModel(ObjectMapping mapping, QObject *parent)
    : QAbstractTableModel(parent)
    , m_mapping(std::move(mapping))
{ }

int RecordComparisonModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_mapping.fields.size()) + 1; // + the key
}

int RecordComparisonModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RecordComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Field:
        return tr("Field");
    case Owner:
        return tr("Owner");
    case Mirror:
        return tr("Mirror");
    case Salesforce:
        return tr("Salesforce (live)");
    case Platform:
        return tr("Platform (live)");
    default:
        return {};
    }
}

QString RecordComparisonModel::label(int row) const
{
    if (row == 0)
        return tr("Platform ID (%1)").arg(m_mapping.salesforceKey);
    const FieldRule &rule = m_mapping.fields.at(row - 1);
    return QStringLiteral("%1 (%2)").arg(rule.label, rule.platform);
}

QString RecordComparisonModel::canonical(int row, const QJsonValue &platformSideValue) const
{
    if (row == 0)
        return text(platformSideValue);
    QJsonValue value = platformSideValue;
    for (const Transform &t : m_mapping.fields.at(row - 1).transforms) {
        auto r = t.forward(value);
        if (!r)
            break; // compare what there is; the engine would report the error itself
        value = *r;
    }
    return text(value);
}

RecordComparisonModel::Values RecordComparisonModel::valuesAt(int row) const
{
    Values v;
    const QString platformField
        = row == 0 ? m_mapping.platformKey : m_mapping.fields.at(row - 1).platform;
    const QString salesforceField
        = row == 0 ? m_mapping.salesforceKey : m_mapping.fields.at(row - 1).salesforce;
    if (m_mirror) {
        v.mirror = m_mirror->value(platformField);
        v.mirrorKey = canonical(row, *v.mirror);
    }
    if (m_platform) {
        v.platform = m_platform->value(platformField);
        v.platformKey = canonical(row, *v.platform);
    }
    if (m_salesforce) {
        v.salesforce = RecordMapper::readPath(*m_salesforce, salesforceField);
        v.salesforceKey = text(*v.salesforce);
    }
    return v;
}

bool RecordComparisonModel::rowDiffers(int row) const
{
    const Values v = valuesAt(row);
    QList<QString> keys;
    for (const auto &k : {v.mirrorKey, v.salesforceKey, v.platformKey}) {
        if (k)
            keys.append(*k);
    }
    for (const QString &k : keys) {
        if (k != keys.first())
            return true;
    }
    return false;
}

bool RecordComparisonModel::cellDiffers(int row, int column) const
{
    const Values v = valuesAt(row);
    const std::optional<QString> &mine = column == Mirror ? v.mirrorKey
        : column == Salesforce                            ? v.salesforceKey
        : column == Platform                              ? v.platformKey
                                                          : std::optional<QString>();
    if (!mine)
        return false;
    QList<QString> keys;
    for (const auto &k : {v.mirrorKey, v.salesforceKey, v.platformKey}) {
        if (k)
            keys.append(*k);
    }
    // The odd one out is marked: with three values, whatever disagrees with the two that
    // agree; with no majority, every value.
    for (const QString &candidate : keys) {
        if (keys.count(candidate) * 2 > keys.size())
            return *mine != candidate;
    }
    return keys.size() > 1;
}

int RecordComparisonModel::differingRows() const
{
    int n = 0;
    for (int row = 0; row < rowCount(); ++row)
        n += rowDiffers(row) ? 1 : 0;
    return n;
}

QVariant RecordComparisonModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const int row = index.row();
    if (role == DiffersRole)
        return cellDiffers(row, index.column());
    if (role == RowDiffersRole)
        return rowDiffers(row);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Field:
        return label(row);
    case Owner:
        return row == 0 ? tr("key")
                        : FieldMapping::authorityName(m_mapping.fields.at(row - 1).authority);
    default:
        break;
    }
    const Values v = valuesAt(row);
    const std::optional<QJsonValue> &value = index.column() == Mirror ? v.mirror
        : index.column() == Salesforce                                ? v.salesforce
                                                                      : v.platform;
    if (!value)
        return role == Qt::ToolTipRole ? tr("Not fetched") : QString();
    if (role == Qt::ToolTipRole && index.column() != Salesforce) {
        const QString written = canonical(row, *value);
        if (written != text(*value))
            return tr("%1 (written to Salesforce as %2)").arg(text(*value), written);
    }
    return text(*value);
}

void RecordComparisonModel::setMirror(const QJsonObject &platformState)
{
    m_mirror = platformState;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void RecordComparisonModel::setLive(const std::optional<QJsonObject> &salesforce,
                                    const std::optional<QJsonObject> &platform)
{
    m_salesforce = salesforce;
    m_platform = platform;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void RecordComparisonModel::clear()
{
    beginResetModel();
    m_mirror.reset();
    m_salesforce.reset();
    m_platform.reset();
    endResetModel();
}

} // namespace lb
