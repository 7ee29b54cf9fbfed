// The mapping editor: edits are checked as a whole before saving; saving writes a mapping file
// and points the profile at it.
#include "ConsoleFixture.h"
#include "mapping/MappingTableModel.h"
#include "mapping/MappingView.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace lb;

class TestMappingView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::MappingView> m_view;

    QString status()
    {
        return m_view->findChild<QLabel *>(QStringLiteral("mappingStatus"))->text();
    }
    QPushButton *button(const char *name)
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }
    int rowOf(ui::MappingTableModel *m, const QString &platformField)
    {
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, ui::MappingTableModel::PlatformField).data().toString()
                == platformField)
                return r;
        }
        return -1;
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(0, false);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_view = std::make_unique<ui::MappingView>(m_fx->context);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_fx.reset();
    }

    void showsTheMappingAsItIs()
    {
        ui::MappingTableModel *lead = m_view->leadModel();
        QCOMPARE(lead->rowCount(), m_fx->context.mapping.lead.fields.size());
        const int company = rowOf(lead, QStringLiteral("company"));
        QCOMPARE(lead->index(company, ui::MappingTableModel::Transforms).data().toString(),
                 QStringLiteral("\"trim\",{\"default\":\"Unknown\"}"));
        QCOMPARE(lead->index(company, ui::MappingTableModel::Required).data(Qt::CheckStateRole),
                 QVariant(Qt::Checked));
        // Unchanged, it checks out and round-trips exactly.
        auto checked = m_view->check();
        QVERIFY2(checked.ok(), checked ? "" : qPrintable(checked.error().message));
        QCOMPARE(checked->toJson(), m_fx->context.mapping.toJson());
    }

    void refusesInvalidEdits_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("words");
        QTest::newRow("transforms not JSON")
            << int(ui::MappingTableModel::Transforms) << QStringLiteral("trim, lower")
            << QStringLiteral("transforms (row");
        QTest::newRow("unknown transform")
            << int(ui::MappingTableModel::Transforms) << QStringLiteral("\"shout\"")
            << QStringLiteral("$.lead.fields[");
        QTest::newRow("bad authority") << int(ui::MappingTableModel::Authority)
                                       << QStringLiteral("whoever") << QStringLiteral("authority");
        QTest::newRow("empty Salesforce field") << int(ui::MappingTableModel::SalesforceField)
                                                << QString() << QStringLiteral("needs both");
        QTest::newRow("field mapped twice")
            << int(ui::MappingTableModel::SalesforceField) << QStringLiteral("LastName")
            << QStringLiteral("already mapped");
    }

    void refusesInvalidEdits()
    {
        QFETCH(int, column);
        QFETCH(QString, value);
        QFETCH(QString, words);
        ui::MappingTableModel *lead = m_view->leadModel();
        const int row = rowOf(lead, QStringLiteral("first_name"));
        QVERIFY(lead->setData(lead->index(row, column), value));
        QCOMPARE(status(), QStringLiteral("Changed; not saved yet."));
        QTest::mouseClick(button("saveMapping"), Qt::LeftButton);
        QVERIFY2(status().contains(words), qPrintable(status()));
        QVERIFY(status().startsWith(QLatin1String("Not valid")));
        QVERIFY(!QFile::exists(m_view->savePath()));
        QTest::mouseClick(button("revertMapping"), Qt::LeftButton);
        QVERIFY(m_view->check().ok());
    }

    void savesAValidMappingAndPointsTheProfileAtIt()
    {
        QSignalSpy saved(m_view.get(), &ui::MappingView::mappingSaved);
        ui::MappingTableModel *lead = m_view->leadModel();
        const int row = rowOf(lead, QStringLiteral("company"));
        QVERIFY(lead->setData(lead->index(row, ui::MappingTableModel::Transforms),
                              QStringLiteral("\"trim\", {\"default\": \"Independent\"}")));
        QTest::mouseClick(button("saveMapping"), Qt::LeftButton);
        QVERIFY2(status().startsWith(QLatin1String("Saved to")), qPrintable(status()));
        QCOMPARE(saved.size(), 1);
        const QString path = m_view->savePath();
        auto reloaded = FieldMapping::load(path);
        QVERIFY(reloaded.ok());
        const FieldRule *company = reloaded->lead.byPlatform(QStringLiteral("company"));
        QCOMPARE(company->transforms.at(1).toJson().toObject().value(QStringLiteral("default")),
                 QJsonValue(QStringLiteral("Independent")));
        auto profile = Profile::load(m_fx->profilePath);
        QVERIFY(profile.ok());
        QCOMPARE(profile->mapping, path);
        QCOMPARE(profile->name, QStringLiteral("ui-test")); // the rest of the profile is kept
        QCOMPARE(profile->salesforce.clientId, QStringLiteral("3MVG9-example"));
    }

    void addsAndRemovesFields()
    {
        ui::MappingTableModel *lead = m_view->leadModel();
        const int before = lead->rowCount();
        QTest::mouseClick(button("addField"), Qt::LeftButton);
        QCOMPARE(lead->rowCount(), before + 1);
        QVERIFY(!m_view->check().ok()); // an empty pair is not valid
        auto *table = m_view->findChild<QTableView *>(QStringLiteral("mappingTable"));
        table->closePersistentEditor(table->currentIndex());
        table->setCurrentIndex(lead->index(before, 0));
        QTest::mouseClick(button("removeField"), Qt::LeftButton);
        QCOMPARE(lead->rowCount(), before);
        QVERIFY(m_view->check().ok());
    }
};

QTEST_MAIN(TestMappingView)
#include "TestMappingView.moc"
