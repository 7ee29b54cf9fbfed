#pragma once

#include <QMessageBox>

#include <functional>

namespace lb::ui {

// Window-modal message boxes that answer through a callback instead of a nested event loop
// (QMessageBox::open, not exec). Tests queue the answers (KeePassXC's MessageBox seam):
// a queued answer is given at once, on the next event loop turn, and nothing is shown.
class MessageBox
{
public:
    using Answer = std::function<void(QMessageBox::StandardButton)>;

    static void ask(QWidget *parent, QMessageBox::Icon icon, const QString &title,
                    const QString &text, QMessageBox::StandardButtons buttons,
                    QMessageBox::StandardButton defaultButton, Answer answer);
    // A confirmation: `confirmText` names the action on its button ("Discard 3 items").
    static void confirm(QWidget *parent, const QString &title, const QString &text,
                        const QString &confirmText, std::function<void()> confirmed);
    static void inform(QWidget *parent, QMessageBox::Icon icon, const QString &title,
                       const QString &text);

    // Test hooks.
    static void setNextAnswer(QMessageBox::StandardButton answer);
    static QString lastText(); // the text of the last box asked (shown or answered)
    static int pendingAnswers();
};

} // namespace lb::ui
