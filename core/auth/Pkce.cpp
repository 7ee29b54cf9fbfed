#include "Pkce.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace lb {

QByteArray Pkce::randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator *csprng = QRandomGenerator::system();
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(csprng->bounded(256));
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray Pkce::challengeFor(const QByteArray &verifier)
{
    return QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Pkce Pkce::generate()
{
    Pkce p;
    p.verifier = randomToken(48); // 64 characters, within RFC 7636's 43..128
    p.challenge = challengeFor(p.verifier);
    return p;
}

} // namespace lb
