#pragma once

#include <QByteArray>
#include <QString>

namespace lb::display {

// How the console's tables show values; shared by the item models so every view agrees.
// Times are local, to the second; 0 (unknown) is shown as an empty cell.
QString time(qint64 epochMs);
// A JSON payload indented for reading, or the raw text when it is not JSON.
QString prettyJson(const QByteArray &json);
// One line: newlines and tabs become spaces, long text is cut with an ellipsis.
QString oneLine(const QString &text, int maxChars = 200);
// A lead's lifecycle state (SALESFORCE_ORG.md, "Lead lifecycle, both ways") in a few words:
// "Merged into <Id>", "Deleted in Salesforce", "Deleted on the platform", "Converted", or empty
// for a live lead. `deletedOn` is the tombstone's side ("" while the lead lives).
QString lifecycle(const QString &deletedOn, const QString &mergedInto, bool converted);

} // namespace lb::display
