#include "FileDialog.h"

#include <QFileDialog>
#include <QTimer>

namespace lb::ui {
namespace {

QStringList &nextNames()
{
    static QStringList names;
    return names;
}

void show(QWidget *parent, QFileDialog::AcceptMode mode, const QString &title, const QString &path,
          const QString &filter, const FileDialog::Chosen &chosen)
{
    if (!nextNames().isEmpty()) {
        const QString given = nextNames().takeFirst();
        if (!given.isEmpty())
            QTimer::singleShot(0, parent, [chosen, given] { chosen(given); });
        return;
    }
    auto *dialog = new QFileDialog(parent, title, path, filter);
    dialog->setAcceptMode(mode);
    dialog->setFileMode(mode == QFileDialog::AcceptOpen ? QFileDialog::ExistingFile
                                                        : QFileDialog::AnyFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAccessibleName(title);
    QObject::connect(dialog, &QFileDialog::fileSelected, parent, chosen);
    dialog->open();
}

} // namespace

void FileDialog::setNextFileName(const QString &path)
{
    nextNames().append(path);
}

void FileDialog::openFile(QWidget *parent, const QString &title, const QString &directory,
                          const QString &filter, Chosen chosen)
{
    show(parent, QFileDialog::AcceptOpen, title, directory, filter, chosen);
}

void FileDialog::saveFile(QWidget *parent, const QString &title, const QString &suggestedPath,
                          const QString &filter, Chosen chosen)
{
    show(parent, QFileDialog::AcceptSave, title, suggestedPath, filter, chosen);
}

} // namespace lb::ui
