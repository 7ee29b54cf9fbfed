#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace lb::ui {

// File choosers that answer through a callback (QFileDialog::open, no nested event loop).
// Tests queue the next file name (KeePassXC's FileDialog seam); an empty queued name means
// "cancelled".
class FileDialog
{
public:
    using Chosen = std::function<void(const QString &path)>;

    static void openFile(QWidget *parent, const QString &title, const QString &directory,
                         const QString &filter, Chosen chosen);
    static void saveFile(QWidget *parent, const QString &title, const QString &suggestedPath,
                         const QString &filter, Chosen chosen);

    static void setNextFileName(const QString &path); // test hook
};

} // namespace lb::ui
