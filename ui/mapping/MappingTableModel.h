#pragma once

#include "mapping/FieldMapping.h"

#include <QAbstractTableModel>

namespace lb::ui {

// The field pairs of one object mapping, editable in place. Transforms are edited as their
// JSON ("trim", {"default": "Unknown"}, ...), authority and validation from fixed choices.
// Nothing is checked while typing: toJson() feeds FieldMapping::fromJson, which checks it all.
class MappingTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        PlatformField,
        SalesforceField,
        Label,
        Transforms,
        Authority,
        Required,
        ReadOnly,
        Validate,
        MaxLength,
        ColumnCount
    };

    explicit MappingTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    void setMapping(const ObjectMapping &mapping);
    // The mapping as JSON (the "lead" or "agent" object of a mapping file).
    QJsonObject toJson() const;
    void addRow();
    void removeRow(int row);
    bool isModified() const { return m_modified; }
    void setModified(bool modified) { m_modified = modified; }

    static QString transformsText(const QList<Transform> &transforms);
    // What FieldMapping cannot see: transforms that are not JSON. "" when fine.
    QString problems(const QString &objectPath) const;

signals:
    void edited();

private:
    struct Row
    {
        QString platform, salesforce, label, transforms, authority, validate;
        bool required = false, readOnly = false;
        int maxLength = 0;
    };
    ObjectMapping m_base; // object name and key, kept as they are
    QList<Row> m_rows;
    bool m_modified = false;
};

} // namespace lb::ui
