#include "MappingView.h"

#include "ChoiceDelegate.h"
#include "MappingTableModel.h"
#include "config/ProfileFile.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

namespace lb::ui {

MappingView::MappingView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_saved(context.mapping)
{
    setAccessibleName(tr("Mapping"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_object = new QComboBox(this);
    m_object->setObjectName(QStringLiteral("mappingObject"));
    m_object->setAccessibleName(tr("Which mapping"));
    m_object->addItem(tr("Leads (platform lead ↔ Salesforce Lead)"));
    m_object->addItem(tr("Roster (Salesforce People__c ↔ platform agent)"));
    m_key = new QLabel(this);
    m_key->setObjectName(QStringLiteral("mappingKey"));
    m_key->setAccessibleName(tr("Key fields"));
    top->addWidget(m_object);
    top->addWidget(m_key, 1);
    layout->addLayout(top);

    m_lead = new MappingTableModel(this);
    m_roster = new MappingTableModel(this);
    m_lead->setMapping(m_saved.lead);
    m_roster->setMapping(m_saved.agent);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("mappingTable"));
    m_table->setAccessibleName(tr("Field pairs"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setItemDelegateForColumn(
        MappingTableModel::Authority,
        new ChoiceDelegate(
            {QStringLiteral("latest"), QStringLiteral("salesforce"), QStringLiteral("platform")},
            m_table));
    m_table->setItemDelegateForColumn(
        MappingTableModel::Validate,
        new ChoiceDelegate({QString(), QStringLiteral("email")}, m_table));
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add field"), this);
    add->setObjectName(QStringLiteral("addField"));
    add->setAccessibleName(tr("Add a field pair"));
    auto *remove = new QPushButton(tr("&Remove field"), this);
    remove->setObjectName(QStringLiteral("removeField"));
    remove->setAccessibleName(tr("Remove the selected field pair"));
    auto *checkButton = new QPushButton(tr("&Check"), this);
    checkButton->setObjectName(QStringLiteral("checkMapping"));
    checkButton->setAccessibleName(tr("Check the mapping"));
    auto *revertButton = new QPushButton(tr("Re&vert"), this);
    revertButton->setObjectName(QStringLiteral("revertMapping"));
    revertButton->setAccessibleName(tr("Undo the changes"));
    m_save = new QPushButton(tr("&Save"), this);
    m_save->setObjectName(QStringLiteral("saveMapping"));
    m_save->setAccessibleName(tr("Check and save the mapping"));
    for (QPushButton *b : {add, remove, checkButton, revertButton, m_save})
        buttons->addWidget(b);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("mappingStatus"));
    m_status->setAccessibleName(tr("Mapping check"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    connect(m_object, &QComboBox::currentIndexChanged, this, &MappingView::showObject);
    connect(add, &QPushButton::clicked, this, [this] {
        auto *model = static_cast<MappingTableModel *>(m_table->model());
        model->addRow();
        const QModelIndex cell = model->index(model->rowCount() - 1, 0);
        m_table->setCurrentIndex(cell);
        m_table->edit(cell);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        auto *model = static_cast<MappingTableModel *>(m_table->model());
        if (m_table->currentIndex().isValid())
            model->removeRow(m_table->currentIndex().row());
    });
    connect(checkButton, &QPushButton::clicked, this, [this] {
        auto checked = check();
        setStatus(checked ? tr("The mapping is valid.") : checked.error().message);
    });
    connect(revertButton, &QPushButton::clicked, this, &MappingView::revert);
    connect(m_save, &QPushButton::clicked, this, &MappingView::save);
    for (MappingTableModel *m : {m_lead, m_roster})
        connect(m, &MappingTableModel::edited, this,
                [this] { setStatus(tr("Changed; not saved yet.")); });
    if (m_context.profilePath.isEmpty()) {
        m_save->setEnabled(false);
        m_save->setToolTip(tr("Start the console with --profile FILE to save a mapping."));
    }
    showObject();
    setStatus(tr("Mapping in use: %1.")
                  .arg(m_context.profile.mapping.isEmpty()
                               || m_context.profile.mapping == QLatin1String("default")
                           ? tr("the built-in default")
                           : QDir::toNativeSeparators(m_context.profile.mapping)));
}

void MappingView::showObject()
{
    const bool lead = m_object->currentIndex() == 0;
    m_table->setModel(lead ? m_lead : m_roster);
    const ObjectMapping &m = lead ? m_saved.lead : m_saved.agent;
    m_key->setText(tr("Salesforce object %1; records are matched by platform %2 = Salesforce %3.")
                       .arg(m.salesforceObject, m.platformKey, m.salesforceKey));
    m_table->resizeColumnsToContents();
    // A value map makes a very long line; the whole of it is in the cell's editor.
    m_table->setColumnWidth(MappingTableModel::Transforms,
                            std::min(m_table->columnWidth(MappingTableModel::Transforms), 300));
}

void MappingView::setStatus(const QString &text)
{
    m_status->setText(text);
}

Result<FieldMapping> MappingView::check() const
{
    for (const auto &[model, path] : {std::pair {m_lead, QStringLiteral("$.lead")},
                                      std::pair {m_roster, QStringLiteral("$.agent")}}) {
        if (const QString p = model->problems(path); !p.isEmpty())
            return makeError(QStringLiteral("mapping"), tr("Not valid: %1").arg(p));
    }
    const QJsonObject json {{QStringLiteral("version"), 1},
                            {QStringLiteral("lead"), m_lead->toJson()},
                            {QStringLiteral("agent"), m_roster->toJson()}};
    auto mapping = FieldMapping::fromJson(QJsonDocument(json).toJson(), tr("the mapping"));
    if (!mapping)
        return makeError(mapping.error().code, tr("Not valid: %1").arg(mapping.error().message));
    return mapping;
}

QString MappingView::savePath() const
{
    const QString current = m_context.profile.mapping;
    if (!current.isEmpty() && current != QLatin1String("default"))
        return current;
    const QFileInfo profile(m_context.profilePath);
    return profile.absoluteDir().filePath(m_context.profile.name + QStringLiteral(".mapping.json"));
}

void MappingView::save()
{
    auto mapping = check();
    if (!mapping) {
        setStatus(mapping.error().message);
        return;
    }
    if (m_context.profilePath.isEmpty())
        return;
    const QString path = savePath();
    QSaveFile file(path);
    const QByteArray json = QJsonDocument(mapping->toJson()).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
        setStatus(
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return;
    }
    if (m_context.profile.mapping != path) {
        auto profile
            = ProfileFile::update(m_context.profilePath, {{QStringLiteral("mapping"), path}});
        if (!profile) {
            setStatus(tr("Saved %1, but the profile could not point to it: %2")
                          .arg(QDir::toNativeSeparators(path), profile.error().message));
            return;
        }
        m_context.profile = *profile;
    }
    m_saved = *mapping;
    m_lead->setModified(false);
    m_roster->setModified(false);
    setStatus(tr("Saved to %1.").arg(QDir::toNativeSeparators(path)));
    emit mappingSaved(*mapping);
}

void MappingView::revert()
{
    m_lead->setMapping(m_saved.lead);
    m_roster->setMapping(m_saved.agent);
    showObject();
    setStatus(tr("Changes undone."));
}

} // namespace lb::ui
