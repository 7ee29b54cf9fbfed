#include "Pkce.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QRandomGenerator>

#include <algorithm>
#include <openssl/rand.h>

namespace lb::auth {

QString Pkce::randomToken(int bytes)
{
    QByteArray raw(qMax(1, bytes), Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(raw.data()), int(raw.size())) != 1) {
        // QRandomGenerator::system() is also a CSPRNG (getrandom); OpenSSL is the first choice
        // only because it is what the rest of our crypto uses.
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()),
                                              raw.size() / 4);
        for (qsizetype i = raw.size() / 4 * 4; i < raw.size(); ++i)
            raw[i] = char(QRandomGenerator::system()->bounded(256));
    }
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString Pkce::challengeFor(const QString &verifier)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

Pkce Pkce::generate(int length)
{
    length = std::clamp(length, 43, 128);
    Pkce p;
    // 3 random bytes give 4 characters.
    p.verifier = randomToken((length * 3 + 3) / 4).left(length);
    p.challenge = challengeFor(p.verifier);
    return p;
}

} // namespace lb::auth
