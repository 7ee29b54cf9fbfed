#pragma once

#include <QString>

class QWidget;

namespace lb {
class SyncController;
}

namespace lb::ui {

// The console's "Forget this person…" (erasure, issue 19): a confirmation that says what goes
// and that it cannot be undone, then the engine's erasure (the console issues no SQL), then its
// answer in a message box. `whom` names the person in the question (a name, or the lead id).
class ForgetPersonAction
{
public:
    static void ask(QWidget *parent, SyncController *controller, const QString &email,
                    const QString &whom);
};

} // namespace lb::ui
