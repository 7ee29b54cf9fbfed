#include "FieldValidator.h"

#include "JsonWriter.h"

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

bool isAsciiAlnum(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

QString numberText(double d)
{
    QByteArray out;
    JsonWriter::appendDouble(out, d);
    if (out.endsWith(".0"))
        out.chop(2);
    return QString::fromLatin1(out);
}

} // namespace

bool FieldValidator::isValidEmail(QStringView address)
{
    const qsizetype at = address.indexOf(u'@');
    if (at <= 0 || at != address.lastIndexOf(u'@') || address.size() > 254)
        return false;
    static const QString kLocalExtra = u".!#$%&'*+/=?^_`{|}~-"_s;
    const QStringView local = address.left(at);
    if (local.startsWith(u'.') || local.endsWith(u'.') || local.contains(u".."_s))
        return false;
    for (QChar c : local) {
        if (!isAsciiAlnum(c) && !kLocalExtra.contains(c))
            return false;
    }
    const QStringView domain = address.mid(at + 1);
    const auto labels = domain.split(u'.');
    if (labels.size() < 2)
        return false;
    for (QStringView label : labels) {
        if (label.isEmpty() || label.startsWith(u'-') || label.endsWith(u'-'))
            return false;
        for (QChar c : label) {
            if (!isAsciiAlnum(c) && c != u'-')
                return false;
        }
    }
    const QStringView tld = labels.constLast();
    if (tld.size() < 2)
        return false;
    for (QChar c : tld) {
        if (!c.isLetter())
            return false;
    }
    return true;
}

std::optional<SfError> FieldValidator::check(const FieldDef &f, QJsonValue &value)
{
    if (value.isNull())
        return std::nullopt;
    if (f.isText() && value.isString() && f.length > 0 && value.toString().size() > f.length) {
        return SfError::withFields(u"STRING_TOO_LONG"_s,
                                   u"%1: data value too large: %2 (max length=%3)"_s
                                       .arg(f.label, value.toString().left(255))
                                       .arg(f.length),
                                   {f.name});
    }
    switch (f.type) {
    case FieldType::Email:
        if (!isValidEmail(value.toString())) {
            return SfError::withFields(
                u"INVALID_EMAIL_ADDRESS"_s,
                u"%1: invalid email address: %2"_s.arg(f.label, value.toString()), {f.name});
        }
        break;
    case FieldType::Picklist:
        if (f.restrictedPicklist && !f.picklistValues.contains(value.toString())) {
            return SfError::withFields(
                u"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"_s,
                u"%1: bad value for restricted picklist field: %2"_s.arg(f.label, value.toString()),
                {f.name});
        }
        break;
    case FieldType::MultiPicklist:
        if (f.restrictedPicklist) {
            for (const QString &item : value.toString().split(u';')) {
                if (!f.picklistValues.contains(item.trimmed())) {
                    return SfError::withFields(
                        u"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"_s,
                        u"%1: bad value for restricted picklist field: %2"_s.arg(f.label, item),
                        {f.name});
                }
            }
        }
        break;
    case FieldType::Double:
    case FieldType::Currency: {
        const double factor = std::pow(10.0, f.scale);
        const double rounded = std::round(value.toDouble() * factor) / factor;
        if (f.precision > 0 && std::fabs(rounded) >= std::pow(10.0, f.precision - f.scale)) {
            return SfError::withFields(
                u"NUMBER_OUTSIDE_VALID_RANGE"_s,
                u"%1: value outside of valid range on numeric field: %2"_s.arg(
                    f.label, numberText(value.toDouble())),
                {f.name});
        }
        value = rounded;
        break;
    }
    default:
        break;
    }
    return std::nullopt;
}

} // namespace lb::sandbox
