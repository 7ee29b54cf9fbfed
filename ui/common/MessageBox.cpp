#include "MessageBox.h"

#include <QPointer>
#include <QPushButton>
#include <QTimer>

namespace lb::ui {
namespace {

QList<QMessageBox::StandardButton> &nextAnswers()
{
    static QList<QMessageBox::StandardButton> answers;
    return answers;
}

QString &lastAsked()
{
    static QString text;
    return text;
}

} // namespace

void MessageBox::setNextAnswer(QMessageBox::StandardButton answer)
{
    nextAnswers().append(answer);
}

QString MessageBox::lastText()
{
    return lastAsked();
}

int MessageBox::pendingAnswers()
{
    return int(nextAnswers().size());
}

void MessageBox::ask(QWidget *parent, QMessageBox::Icon icon, const QString &title,
                     const QString &text, QMessageBox::StandardButtons buttons,
                     QMessageBox::StandardButton defaultButton, Answer answer)
{
    lastAsked() = text;
    if (!nextAnswers().isEmpty()) {
        const QMessageBox::StandardButton given = nextAnswers().takeFirst();
        QTimer::singleShot(0, parent, [answer, given] { answer(given); });
        return;
    }
    auto *box = new QMessageBox(icon, title, text, buttons, parent);
    box->setDefaultButton(defaultButton);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setAccessibleName(title);
    QObject::connect(box, &QMessageBox::finished, parent, [box, answer](int) {
        QAbstractButton *clicked = box->clickedButton();
        answer(clicked ? box->standardButton(clicked) : QMessageBox::Cancel);
    });
    box->open();
}

void MessageBox::confirm(QWidget *parent, const QString &title, const QString &text,
                         const QString &confirmText, std::function<void()> confirmed)
{
    lastAsked() = text;
    if (!nextAnswers().isEmpty()) {
        const QMessageBox::StandardButton given = nextAnswers().takeFirst();
        if (given == QMessageBox::Yes || given == QMessageBox::Ok)
            QTimer::singleShot(0, parent, confirmed);
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::Cancel, parent);
    QPushButton *yes = box->addButton(confirmText, QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setAccessibleName(title);
    QPointer<QPushButton> yesButton = yes;
    QObject::connect(box, &QMessageBox::finished, parent, [box, yesButton, confirmed](int) {
        if (yesButton && box->clickedButton() == yesButton)
            confirmed();
    });
    box->open();
}

void MessageBox::inform(QWidget *parent, QMessageBox::Icon icon, const QString &title,
                        const QString &text)
{
    ask(parent, icon, title, text, QMessageBox::Ok, QMessageBox::Ok,
        [](QMessageBox::StandardButton) {});
}

} // namespace lb::ui
