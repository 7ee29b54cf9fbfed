#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace lb::bench {

// Collects figures and goals of one run; prints them as one JSON document and as a table.
class BenchReport
{
public:
    void set(const QString &section, const QString &key, const QJsonValue &value);
    // A goal: `figure` compared against `target` with `op` ("<=" or ">=").
    void goal(const QString &name, double figure, const QString &op, double target,
              const QString &unit);
    void note(const QString &text);
    // Something did not work: the run's figures are incomplete and the program exits non-zero.
    void failure(const QString &text);
    bool failed() const { return m_failed; }

    QJsonObject toJson() const;
    QString table() const;

private:
    QJsonObject m_sections;
    QJsonArray m_goals;
    QStringList m_notes;
    bool m_failed = false;
};

} // namespace lb::bench
