#include "BenchReport.h"

#include <QJsonArray>

namespace lb::bench {

void BenchReport::set(const QString &section, const QString &key, const QJsonValue &value)
{
    QJsonObject s = m_sections.value(section).toObject();
    s.insert(key, value);
    m_sections.insert(section, s);
}

void BenchReport::goal(const QString &name, double figure, const QString &op, double target,
                       const QString &unit)
{
    const bool met = op == QLatin1String("<=") ? figure <= target : figure >= target;
    m_goals.append(
        QJsonObject {{QStringLiteral("goal"), name},
                     {QStringLiteral("figure"), figure},
                     {QStringLiteral("target"), QStringLiteral("%1 %2").arg(op).arg(target)},
                     {QStringLiteral("unit"), unit},
                     {QStringLiteral("met"), met}});
}

void BenchReport::note(const QString &text)
{
    m_notes.append(text);
}

void BenchReport::failure(const QString &text)
{
    m_failed = true;
    m_notes.append(QStringLiteral("FAILED: ") + text);
}

QJsonObject BenchReport::toJson() const
{
    return {{QStringLiteral("sections"), m_sections},
            {QStringLiteral("goals"), m_goals},
            {QStringLiteral("notes"), QJsonArray::fromStringList(m_notes)},
            {QStringLiteral("failed"), m_failed}};
}

QString BenchReport::table() const
{
    QString out;
    for (auto it = m_sections.begin(); it != m_sections.end(); ++it) {
        out += QStringLiteral("\n[%1]\n").arg(it.key());
        const QJsonObject s = it.value().toObject();
        for (auto f = s.begin(); f != s.end(); ++f) {
            const QJsonValue v = f.value();
            const QString text = v.isDouble()
                ? QString::number(v.toDouble(), 'f', v.toDouble() < 10 ? 3 : 1)
                : v.toVariant().toString();
            out += QStringLiteral("  %1 %2\n").arg(f.key(), -42).arg(text);
        }
    }
    if (!m_goals.isEmpty()) {
        out += QStringLiteral("\n[goals]\n");
        for (const QJsonValue &g : m_goals) {
            const QJsonObject o = g.toObject();
            out += QStringLiteral("  %1 %2 %3 %4  %5\n")
                       .arg(o.value(QStringLiteral("goal")).toString(), -58)
                       .arg(QString::number(o.value(QStringLiteral("figure")).toDouble(), 'f', 2),
                            12)
                       .arg(o.value(QStringLiteral("unit")).toString(), -8)
                       .arg(o.value(QStringLiteral("target")).toString(), -12)
                       .arg(o.value(QStringLiteral("met")).toBool() ? QStringLiteral("met")
                                                                    : QStringLiteral("NOT MET"));
        }
    }
    for (const QString &n : m_notes)
        out += QStringLiteral("note: %1\n").arg(n);
    return out;
}

} // namespace lb::bench
