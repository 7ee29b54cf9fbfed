#pragma once

namespace lb {

// Routes every Qt log message through Redactor before the previous handler (normally the
// default stderr/journald one) sees it. Call once, early in main().
void installRedactingMessageHandler();

} // namespace lb
