#include "WebhookListenAddress.h"

namespace lb::platform {

Result<WebhookListenAddress> WebhookListenAddress::parse(const QString &text)
{
    const auto bad = [&text](const QString &why) {
        return makeError(QStringLiteral("invalid_webhook_listen"),
                         QStringLiteral("webhook_listen \"%1\" is not an address and port such "
                                        "as 127.0.0.1:8787: %2")
                             .arg(text.left(100), why));
    };
    const QString t = text.trimmed();
    QString host;
    QString port;
    if (t.startsWith(u'[')) {
        const qsizetype close = t.indexOf(u']');
        if (close < 0 || t.mid(close + 1, 1) != QLatin1String(":"))
            return bad(QStringLiteral("an IPv6 address is written [::1]:8787"));
        host = t.mid(1, close - 1);
        port = t.mid(close + 2);
    } else {
        const qsizetype colon = t.lastIndexOf(u':');
        if (colon <= 0 || t.indexOf(u':') != colon)
            return bad(QStringLiteral("the port is missing"));
        host = t.left(colon);
        port = t.mid(colon + 1);
    }
    bool ok = false;
    const uint p = port.toUInt(&ok);
    if (!ok || p > 65535 || port.isEmpty() || port.startsWith(u'+'))
        return bad(QStringLiteral("the port must be 0-65535"));

    WebhookListenAddress result;
    result.port = quint16(p);
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        result.address = QHostAddress(QHostAddress::LocalHost);
    } else if (!result.address.setAddress(host)) {
        return bad(QStringLiteral("the host must be an IP address or localhost"));
    }
    return result;
}

QString WebhookListenAddress::toString() const
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']'
        : address.toString();
    return host + u':' + QString::number(port);
}

} // namespace lb::platform
