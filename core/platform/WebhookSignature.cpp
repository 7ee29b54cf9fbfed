#include "WebhookSignature.h"

#include <QMessageAuthenticationCode>

namespace lb::platform {
namespace {

Error problem(const char *code, const QString &message)
{
    return makeError(QString::fromLatin1(code), message);
}

Error malformed(const QString &why)
{
    return problem("signature_malformed",
                   QStringLiteral("The X-LeadPlatform-Signature header is malformed: ") + why);
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v = v.first(v.size() - 1);
    return v;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

Result<WebhookSignature::Parsed> WebhookSignature::parse(QByteArrayView header)
{
    if (header.size() > MaxHeaderLength)
        return malformed(QStringLiteral("it is longer than %1 bytes").arg(MaxHeaderLength));
    header = trimmed(header);
    if (header.isEmpty())
        return problem("signature_missing",
                       QStringLiteral("The request has no X-LeadPlatform-Signature header."));

    Parsed parsed;
    bool haveTimestamp = false;
    qsizetype start = 0;
    while (start <= header.size()) {
        qsizetype end = header.indexOf(',', start);
        if (end < 0)
            end = header.size();
        const QByteArrayView item = trimmed(header.sliced(start, end - start));
        start = end + 1;
        if (item.isEmpty())
            continue; // "a,,b" or a trailing comma: nothing to read
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0)
            return malformed(QStringLiteral("an item is not of the form key=value"));
        const QByteArrayView key = trimmed(item.first(eq));
        const QByteArrayView value = trimmed(item.sliced(eq + 1));
        if (key == "t") {
            if (haveTimestamp)
                return malformed(QStringLiteral("it has more than one timestamp (t=)"));
            if (value.isEmpty() || value.size() > 12)
                return malformed(QStringLiteral("the timestamp (t=) is not 1-12 digits"));
            qint64 t = 0;
            for (const char c : value) {
                if (c < '0' || c > '9')
                    return malformed(QStringLiteral("the timestamp (t=) is not a number"));
                t = t * 10 + (c - '0');
            }
            parsed.timestamp = t;
            haveTimestamp = true;
        } else if (key == "v1") {
            if (parsed.signatures.size() >= MaxSignatures)
                return malformed(
                    QStringLiteral("it has more than %1 v1 signatures").arg(MaxSignatures));
            if (value.size() != DigestLength * 2)
                return malformed(
                    QStringLiteral("a v1 signature is not %1 hex digits").arg(DigestLength * 2));
            QByteArray digest(DigestLength, Qt::Uninitialized);
            for (int i = 0; i < DigestLength; ++i) {
                const int hi = hexValue(value[2 * i]);
                const int lo = hexValue(value[2 * i + 1]);
                if (hi < 0 || lo < 0)
                    return malformed(QStringLiteral("a v1 signature is not hexadecimal"));
                digest[i] = char((hi << 4) | lo);
            }
            parsed.signatures.append(digest);
        }
        // Other keys (v0, v2, ...) belong to other schemes and are skipped.
    }
    if (!haveTimestamp)
        return malformed(QStringLiteral("it has no timestamp (t=)"));
    if (parsed.signatures.isEmpty())
        return malformed(QStringLiteral("it has no v1 signature"));
    return parsed;
}

Result<qint64> WebhookSignature::verify(QByteArrayView header, QByteArrayView body,
                                        QByteArrayView secret, qint64 nowS, qint64 toleranceS)
{
    auto parsed = parse(header);
    if (!parsed)
        return parsed.error();
    const qint64 t = parsed->timestamp;
    if (t < nowS - toleranceS)
        return problem("signature_expired",
                       QStringLiteral("The signature timestamp is %1 s old; at most %2 s are "
                                      "accepted (a replay, or a clock that is off).")
                           .arg(nowS - t)
                           .arg(toleranceS));
    if (t > nowS + toleranceS)
        return problem("signature_future",
                       QStringLiteral("The signature timestamp is %1 s in the future; at most "
                                      "%2 s are accepted (check the sender's clock).")
                           .arg(t - nowS)
                           .arg(toleranceS));
    if (secret.isEmpty())
        return problem("signature_mismatch",
                       QStringLiteral("No webhook secret is configured, so no signature can "
                                      "match."));
    const QByteArray expected = digest(secret, t, body);
    bool match = false;
    for (const QByteArray &candidate : parsed->signatures)
        match |= constantTimeEquals(candidate, expected); // no short cut: check all
    if (!match)
        return problem("signature_mismatch",
                       QStringLiteral("The signature does not match the body (wrong secret, or "
                                      "the body was changed)."));
    return t;
}

QByteArray WebhookSignature::digest(QByteArrayView secret, qint64 timestamp, QByteArrayView body)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret.toByteArray());
    const QByteArray prefix = QByteArray::number(timestamp) + '.';
    mac.addData(prefix.constData(), prefix.size());
    mac.addData(body.data(), body.size());
    return mac.result();
}

QByteArray WebhookSignature::header(QByteArrayView secret, qint64 timestamp, QByteArrayView body)
{
    return "t=" + QByteArray::number(timestamp) + ",v1=" + digest(secret, timestamp, body).toHex();
}

bool WebhookSignature::constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
    // volatile keeps the compiler from turning the loop back into an early-exit memcmp.
    const volatile unsigned char result = diff;
    return result == 0;
}

} // namespace lb::platform
