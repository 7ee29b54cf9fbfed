#pragma once

#include "mapping/FieldMapping.h"

#include <QAbstractTableModel>
#include <QJsonObject>

#include <optional>

namespace lb {

// One lead side by side: what the mirror holds, what Salesforce and the platform hold now
// (fetched on demand). Values are compared the way the engine would write them (the mapping's
// forward transforms applied to platform-side values), so "+1 555 0100" on the platform and
// "+15550100" in Salesforce are the same; DiffersRole marks the cells that disagree. Colours
// are the view's business (this model has no QtGui).
class RecordComparisonModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Field, Owner, Mirror, Salesforce, Platform, ColumnCount };
    enum Role { DiffersRole = Qt::UserRole + 1, RowDiffersRole };

    explicit RecordComparisonModel(ObjectMapping mapping, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The mirror's platform state (platform field names).
    void setMirror(const QJsonObject &platformState);
    // Live records; an empty optional means "not fetched".
    void setLive(const std::optional<QJsonObject> &salesforce,
                 const std::optional<QJsonObject> &platform);
    void clear();

    int differingRows() const;
    bool rowDiffers(int row) const;
    bool cellDiffers(int row, int column) const;

private:
    struct Values
    {
        std::optional<QJsonValue> mirror, salesforce, platform; // as shown
        std::optional<QString> mirrorKey, salesforceKey, platformKey; // as compared
    };
    Values valuesAt(int row) const;
    QString label(int row) const;
    QString canonical(int row, const QJsonValue &platformSideValue) const;

    ObjectMapping m_mapping;
    std::optional<QJsonObject> m_mirror, m_salesforce, m_platform;
};

} // namespace lb
