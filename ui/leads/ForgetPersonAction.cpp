#include "ForgetPersonAction.h"

#include "common/MessageBox.h"
#include "sync/SyncController.h"

#include <QCoreApplication>
#include <QPointer>
#include <QWidget>

namespace lb::ui {

void ForgetPersonAction::ask(QWidget *parent, SyncController *controller, const QString &email,
                             const QString &whom)
{
    const auto tr = [](const char *s) { return QCoreApplication::translate("ForgetPerson", s); };
    if (!controller || email.trimmed().isEmpty())
        return;
    const QString text
        = tr("Forget %1 (%2)?\n\nLeadBridge removes everything it holds about this address: "
             "every lead with it in the mirror, the raw webhook and poll events, queued and "
             "finished jobs, inbox items, audit details and reconcile report samples. A "
             "tombstone (a hash of the address and the record ids) keeps replayed events, "
             "polls and reconciles from bringing the person back; the erasure is recorded in "
             "the audit log without the data.\n\nSalesforce and the platform keep their own "
             "records: delete the person there too.\n\nThis cannot be undone.")
              .arg(whom, email);
    QPointer<SyncController> engine = controller;
    QPointer<QWidget> owner = parent;
    MessageBox::confirm(parent, tr("Forget this person"), text, tr("Forget permanently"),
                        [engine, owner, email, tr] {
                            if (!engine || !owner)
                                return;
                            QObject::connect(
                                engine.data(), &SyncController::forgotten, owner.data(),
                                [owner, tr](bool ok, const QString &message) {
                                    MessageBox::inform(
                                        owner.data(),
                                        ok ? QMessageBox::Information : QMessageBox::Warning,
                                        tr("Forget this person"),
                                        ok ? message : tr("Nothing was erased: %1").arg(message));
                                },
                                Qt::SingleShotConnection);
                            engine->forgetPerson(email);
                        });
}

} // namespace lb::ui
