#include "Logging.h"

Q_LOGGING_CATEGORY(lcApp, "lb.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "lb.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSync, "lb.sync", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNet, "lb.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "lb.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSalesforce, "lb.salesforce", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPlatform, "lb.platform", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMapping, "lb.mapping", QtInfoMsg)
Q_LOGGING_CATEGORY(lcReport, "lb.report", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSandbox, "lb.sandbox", QtWarningMsg)
