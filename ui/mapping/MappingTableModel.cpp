#include "MappingTableModel.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lb::ui {

MappingTableModel::MappingTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QString MappingTableModel::transformsText(const QList<Transform> &transforms)
{
    QJsonArray array;
    for (const Transform &t : transforms)
        array.append(t.toJson());
    if (array.isEmpty())
        return {};
    QString text = QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
    return text.mid(1, text.size() - 2); // without the brackets: trim, {"default":"Unknown"}
}

void MappingTableModel::setMapping(const ObjectMapping &mapping)
{
    beginResetModel();
    m_base = mapping;
    m_rows.clear();
    for (const FieldRule &r : mapping.fields)
        m_rows.append({r.platform, r.salesforce,
                       r.label == r.salesforce.section(u'.', 0, 0) ? QString() : r.label,
                       transformsText(r.transforms), FieldMapping::authorityName(r.authority),
                       r.validate, r.required, r.readOnly, r.maxLength});
    m_modified = false;
    endResetModel();
}

int MappingTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MappingTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MappingTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical && role == Qt::DisplayRole)
        return section + 1;
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == Transforms)
        return tr("JSON, comma separated: \"trim\", \"lower\", {\"default\": \"Unknown\"}, "
                  "{\"e164\": \"US\"}, {\"map\": {\"new\": \"Open - Not Contacted\"}}, "
                  "{\"clamp\": [0, 100]}, {\"split\": \";\"}");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PlatformField:
        return tr("Platform field");
    case SalesforceField:
        return tr("Salesforce field");
    case Label:
        return tr("Label");
    case Transforms:
        return tr("Transforms");
    case Authority:
        return tr("Owner");
    case Required:
        return tr("Required");
    case ReadOnly:
        return tr("Read-only");
    case Validate:
        return tr("Validate");
    case MaxLength:
        return tr("Max length");
    default:
        return {};
    }
}

Qt::ItemFlags MappingTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (index.column() == Required || index.column() == ReadOnly)
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

QVariant MappingTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == Qt::CheckStateRole) {
        if (index.column() == Required)
            return r.required ? Qt::Checked : Qt::Unchecked;
        if (index.column() == ReadOnly)
            return r.readOnly ? Qt::Checked : Qt::Unchecked;
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case PlatformField:
        return r.platform;
    case SalesforceField:
        return r.salesforce;
    case Label:
        return r.label;
    case Transforms:
        return r.transforms;
    case Authority:
        return r.authority;
    case Validate:
        return r.validate;
    case MaxLength:
        return role == Qt::EditRole ? QVariant(r.maxLength)
            : r.maxLength > 0       ? QVariant(r.maxLength)
                                    : QVariant();
    default:
        return {};
    }
}

bool MappingTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return false;
    Row &r = m_rows[index.row()];
    if (role == Qt::CheckStateRole) {
        const bool on = value.toInt() == Qt::Checked;
        if (index.column() == Required)
            r.required = on;
        else if (index.column() == ReadOnly)
            r.readOnly = on;
        else
            return false;
    } else if (role == Qt::EditRole) {
        const QString text = value.toString().trimmed();
        switch (index.column()) {
        case PlatformField:
            r.platform = text;
            break;
        case SalesforceField:
            r.salesforce = text;
            break;
        case Label:
            r.label = text;
            break;
        case Transforms:
            r.transforms = text;
            break;
        case Authority:
            r.authority = text;
            break;
        case Validate:
            r.validate = text;
            break;
        case MaxLength:
            r.maxLength = std::max(0, value.toInt());
            break;
        default:
            return false;
        }
    } else {
        return false;
    }
    m_modified = true;
    emit dataChanged(index, index);
    emit edited();
    return true;
}

void MappingTableModel::addRow()
{
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append({QString(), QString(), QString(), QString(), QStringLiteral("latest"), QString(),
                   false, false, 0});
    endInsertRows();
    m_modified = true;
    emit edited();
}

void MappingTableModel::removeRow(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    m_modified = true;
    emit edited();
}

QString MappingTableModel::problems(const QString &objectPath) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        const QString &t = m_rows.at(i).transforms;
        if (t.isEmpty())
            continue;
        QJsonParseError error;
        QJsonDocument::fromJson(QByteArray("[") + t.toUtf8() + QByteArray("]"), &error);
        if (error.error != QJsonParseError::NoError)
            return tr("%1.fields[%2].transforms (row %3): not JSON (%4); write e.g. "
                      "\"trim\", {\"default\": \"Unknown\"}")
                .arg(objectPath)
                .arg(i)
                .arg(i + 1)
                .arg(error.errorString());
    }
    return {};
}

QJsonObject MappingTableModel::toJson() const
{
    QJsonArray fields;
    for (const Row &r : m_rows) {
        QJsonObject f {{QStringLiteral("platform"), r.platform},
                       {QStringLiteral("salesforce"), r.salesforce},
                       {QStringLiteral("authority"), r.authority}};
        if (!r.label.isEmpty())
            f.insert(QStringLiteral("label"), r.label);
        if (!r.transforms.isEmpty()) {
            // Invalid JSON stays visible as such: FieldMapping reports where.
            const QJsonDocument doc = QJsonDocument::fromJson(
                QByteArray("[") + r.transforms.toUtf8() + QByteArray("]"));
            f.insert(QStringLiteral("transforms"),
                     doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(r.transforms));
        }
        if (r.required)
            f.insert(QStringLiteral("required"), true);
        if (r.readOnly)
            f.insert(QStringLiteral("read_only"), true);
        if (!r.validate.isEmpty())
            f.insert(QStringLiteral("validate"), r.validate);
        if (r.maxLength > 0)
            f.insert(QStringLiteral("max_length"), r.maxLength);
        fields.append(f);
    }
    return {{QStringLiteral("salesforce_object"), m_base.salesforceObject},
            {QStringLiteral("key"),
             QJsonObject {{QStringLiteral("platform"), m_base.platformKey},
                          {QStringLiteral("salesforce"), m_base.salesforceKey}}},
            {QStringLiteral("fields"), fields}};
}

} // namespace lb::ui
