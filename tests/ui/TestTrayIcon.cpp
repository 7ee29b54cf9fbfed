#include <QTest>
class TestTrayIcon : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestTrayIcon)
#include "TestTrayIcon.moc"
