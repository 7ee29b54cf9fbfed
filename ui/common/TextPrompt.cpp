#include "TextPrompt.h"

#include <QInputDialog>
#include <QTimer>

namespace lb::ui {
namespace {

QStringList &nextTexts()
{
    static QStringList texts;
    return texts;
}

} // namespace

void TextPrompt::setNextText(const QString &text)
{
    nextTexts().append(text);
}

void TextPrompt::ask(QWidget *parent, const QString &title, const QString &label,
                     std::function<void(const QString &text)> answered)
{
    if (!nextTexts().isEmpty()) {
        const QString given = nextTexts().takeFirst().trimmed();
        if (!given.isEmpty())
            QTimer::singleShot(0, parent, [answered, given] { answered(given); });
        return;
    }
    auto *dialog = new QInputDialog(parent);
    dialog->setWindowTitle(title);
    dialog->setLabelText(label);
    dialog->setInputMode(QInputDialog::TextInput);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAccessibleName(title);
    QObject::connect(dialog, &QInputDialog::textValueSelected, parent,
                     [answered](const QString &text) {
                         if (!text.trimmed().isEmpty())
                             answered(text.trimmed());
                     });
    dialog->open();
}

} // namespace lb::ui
