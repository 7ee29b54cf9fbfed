#include <QTest>
class TestCredentialsView : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestCredentialsView)
#include "TestCredentialsView.moc"
