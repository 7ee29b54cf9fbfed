#include "MainWindow.h"

#include <QApplication>
#include <QListWidget>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>

namespace {
QStringList g_warnings;
QtMessageHandler g_previous = nullptr;

void captureWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type >= QtWarningMsg)
        g_warnings.append(message);
    if (g_previous)
        g_previous(type, context, message);
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings go to a test location
        g_previous = qInstallMessageHandler(captureWarnings);
    }
    void cleanupTestCase() { qInstallMessageHandler(g_previous); }

    void opensWithoutWarnings()
    {
        g_warnings.clear();
        lb::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("LeadBridge"));
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(u'\n')));
    }

    void navigatesEveryView()
    {
        lb::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QStringList expected {QStringLiteral("dashboard"),    QStringLiteral("leads"),
                                    QStringLiteral("queue"),        QStringLiteral("inbox"),
                                    QStringLiteral("limits"),       QStringLiteral("credentials"),
                                    QStringLiteral("destinations"), QStringLiteral("mapping"),
                                    QStringLiteral("reports"),      QStringLiteral("import"),
                                    QStringLiteral("fleet")};
        QCOMPARE(window.viewNames(), expected);
        auto *nav = window.findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(nav);
        for (int i = 0; i < nav->count(); ++i) {
            nav->setCurrentRow(i);
            QCOMPARE(window.currentView(), expected.at(i));
            QVERIFY(!window.findChild<QWidget *>(expected.at(i))->accessibleName().isEmpty());
        }
        QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(window.currentView(), QStringLiteral("dashboard"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
