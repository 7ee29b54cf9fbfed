#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace lb::ui {

// Asks for one line of text (e.g. why items are discarded) through a callback; an empty
// answer is not accepted. Tests queue the next text; a queued empty text means "cancelled".
class TextPrompt
{
public:
    static void ask(QWidget *parent, const QString &title, const QString &label,
                    std::function<void(const QString &text)> answered);
    static void setNextText(const QString &text); // test hook
};

} // namespace lb::ui
