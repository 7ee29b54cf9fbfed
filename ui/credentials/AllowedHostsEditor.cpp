#include "AllowedHostsEditor.h"

#include "config/ProfileFile.h"
#include "engine/adapters/EnginePorts.h"
#include "net/AllowedHostEntry.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace lb::ui {

AllowedHostsEditor::AllowedHostsEditor(const Profile &profile, QString profilePath, QWidget *parent)
    : QGroupBox(tr("Allowed hosts"), parent)
    , m_profilePath(std::move(profilePath))
{
    setObjectName(QStringLiteral("allowedHosts"));
    auto *layout = new QVBoxLayout(this);
    auto *about = new QLabel(
        tr("LeadBridge connects to these hosts only (like Salesforce's Remote Site Settings): "
           "one per line, a host name, a *.domain pattern or an https:// address. Plain "
           "http:// is accepted for loopback hosts only. Empty: the hosts of the addresses "
           "above."),
        this);
    about->setWordWrap(true);
    layout->addWidget(about);
    m_edit = new QPlainTextEdit(this);
    m_edit->setObjectName(QStringLiteral("allowedHostsEdit"));
    m_edit->setAccessibleName(tr("Allowed hosts, one per line"));
    m_edit->setTabChangesFocus(true);
    m_edit->setPlainText(profile.allowedHosts.join(u'\n'));
    m_edit->setPlaceholderText(effectiveAllowedHosts(profile).join(u'\n'));
    m_edit->setMaximumHeight(m_edit->fontMetrics().lineSpacing() * 7);
    layout->addWidget(m_edit);
    m_check = new QLabel(this);
    m_check->setObjectName(QStringLiteral("allowedHostsCheck"));
    m_check->setAccessibleName(tr("Allowed hosts check"));
    m_check->setWordWrap(true);
    m_check->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_check);
    auto *row = new QHBoxLayout;
    m_save = new QPushButton(tr("Save allowed hosts"), this);
    m_save->setObjectName(QStringLiteral("allowedHostsSave"));
    m_save->setAccessibleName(tr("Save the allowed hosts"));
    row->addWidget(m_save);
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("allowedHostsResult"));
    m_result->setAccessibleName(tr("Allowed hosts outcome"));
    m_result->setWordWrap(true);
    row->addWidget(m_result, 1);
    layout->addLayout(row);
    const bool usable = !m_profilePath.isEmpty() && !profile.name.isEmpty();
    m_save->setEnabled(usable);
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this, usable] {
        m_save->setEnabled(usable && check().has_value());
        m_result->clear();
    });
    connect(m_save, &QPushButton::clicked, this, &AllowedHostsEditor::save);
}

std::optional<QStringList> AllowedHostsEditor::check()
{
    QStringList entries;
    QStringList refused;
    const QStringList lines = m_edit->toPlainText().split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        if (lines.at(i).trimmed().isEmpty())
            continue;
        auto entry = allowedHostEntryFromTyped(lines.at(i));
        if (!entry)
            refused.append(tr("Line %1: %2").arg(i + 1).arg(entry.error().message));
        else if (!entries.contains(*entry))
            entries.append(*entry);
    }
    m_check->setText(refused.isEmpty()
                         ? tr("%n host(s) will be allowed.", nullptr, int(entries.size()))
                         : refused.join(u'\n'));
    if (!refused.isEmpty())
        return std::nullopt;
    return entries;
}

void AllowedHostsEditor::save()
{
    const auto entries = check();
    if (!entries || m_profilePath.isEmpty())
        return;
    auto profile = ProfileFile::update(
        m_profilePath, {{QStringLiteral("allowed_hosts"), QJsonArray::fromStringList(*entries)}});
    if (!profile) {
        m_result->setText(tr("Not saved: %1").arg(profile.error().message));
        return;
    }
    // What is saved is shown as stored (addresses become their hosts).
    const QSignalBlocker quiet(m_edit);
    m_edit->setPlainText(entries->join(u'\n'));
    m_result->setText(tr("Saved; the engine uses them from now on."));
    emit profileChanged(*profile);
}

} // namespace lb::ui
