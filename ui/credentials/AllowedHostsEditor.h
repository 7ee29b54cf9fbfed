#pragma once

#include "config/Profile.h"

#include <QGroupBox>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace lb::ui {

// The profile's allowed hosts (the outbound allowlist, like Salesforce's Remote Site Settings):
// one entry per line, each checked as typed (core/net/AllowedHostEntry), saved to the profile
// file only when every line is accepted.
class AllowedHostsEditor : public QGroupBox
{
    Q_OBJECT
public:
    // `profilePath` empty: shown, but nothing can be saved.
    AllowedHostsEditor(const Profile &profile, QString profilePath, QWidget *parent = nullptr);

    // The entries as typed, or none when a line is refused (each refusal is shown).
    std::optional<QStringList> check();
    void save();

signals:
    void profileChanged(const lb::Profile &profile);

private:
    QString m_profilePath;
    QPlainTextEdit *m_edit = nullptr;
    QLabel *m_check = nullptr;
    QLabel *m_result = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace lb::ui
