#!/usr/bin/env python3
"""No SQL built from strings: fails when C++ source builds SQL text by concatenation.

Every value in LeadBridge's SQL is bound (Database::run binds by position). This check reads
the C++ sources under the given folders (core/ app/ ui/ sandbox/ in CI) and reports:

  1. a statement (up to its ';') holding an SQL string literal (SELECT, INSERT INTO, UPDATE ..
     SET, DELETE FROM, WHERE, VALUES, CREATE/ALTER/DROP TABLE/INDEX, ORDER BY, ...) that is
     also put together with QString::arg(), '+', '+=', '%' or QString::number/append/replace;
  2. a call handing SQL to the database - Database::run(key, SQL, ...), Database::execute(SQL),
     QSqlQuery::prepare(SQL), QSqlQuery::exec(SQL) - whose SQL argument is not a plain
     literal, unless that argument is a name whose every assignment in the file is a plain
     literal.

A fragment that is genuinely constant (a table name from a fixed list, "?, ?, ?" placeholders
counted from a list's size, a column chosen from a closed enum) is allowed by a marker comment
on the statement's lines or in the three lines above it:

    // sql-constant: <why nothing from outside reaches this text>

A marker without a reason does not count. Exit status 0 = clean, 1 = findings (printed as
file:line: message), 2 = bad usage. `--self-test` plants examples and checks they are found.
"""
import os
import re
import sys
import tempfile

SQL_KEYWORDS = re.compile(
    r"\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|UPDATE\s|DELETE\s+FROM|\bWHERE\b|\bVALUES\b"
    r"|CREATE\s+(TEMP\s+|TEMPORARY\s+|UNIQUE\s+)?(TABLE|INDEX|VIEW|TRIGGER)|ALTER\s+TABLE"
    r"|DROP\s+(TABLE|INDEX|VIEW)|ORDER\s+BY|GROUP\s+BY|\bJOIN\b|ON\s+CONFLICT|PRAGMA\s)")
BUILDERS = re.compile(r"\.arg\s*\(|\+=|(?<![+])\+(?![+=])|(?<![%\"])%(?![0-9dsi\"])|"
                      r"QString::number\s*\(|\.append\s*\(|\.replace\s*\(|\.prepend\s*\(|"
                      r"QStringBuilder|\.join\s*\(")
MARKER = re.compile(r"//\s*(?:sql-constant|soql):\s*(\S.*)")
SINKS = [
    # (pattern of the call, index of the SQL argument)
    (re.compile(r"(?:\bdb|\bm_db|\bdatabase\(\)|\bm_database|\bdatabase)\s*(?:\.|->)\s*run\s*\("), 1),
    (re.compile(r"(?:\bdb|\bm_db|\bdatabase\(\)|\bm_database|\bdatabase)\s*(?:\.|->)\s*execute\s*\("), 0),
    (re.compile(r"\b\w+\s*(?:\.|->)\s*prepare\s*\("), 0),
    (re.compile(r"\bq(?:uery)?\w*\s*(?:\.|->)\s*exec\s*\((?!\s*\))"), 0),
]
LITERAL = re.compile(
    r'^\s*(?:(?:QStringLiteral|QLatin1String|QLatin1StringView|QString::fromLatin1|'
    r'QString::fromUtf8)\s*\(\s*)?((?:u8?|R)?"(?:[^"\\]|\\.)*"\s*)+(?:\)\s*)?(?:_s|_L1|_qs)?\s*$'
    r'|^\s*u?R"(\w*)\((?:.|\n)*?\)\2"\s*(?:_s|_L1)?\s*$', re.S)
RAW_LITERAL_IN_MACRO = re.compile(r'^\s*QStringLiteral\s*\(\s*R"(\w*)\((?:.|\n)*?\)\1"\s*\)\s*$', re.S)


def strip_comments_keep_strings(text):
    """Comments replaced by spaces (newlines kept), string literals kept as they are."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_") or text[i - 1] in "uU8"):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            end = n if end < 0 else end + len(m.group(1)) + 2
            out.append(text[i:end])
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "'" and not (i > 0 and text[i - 1].isdigit()):
            # A character literal ('x', u')'): its content becomes '_' so no bracket or quote
            # in it is read as code.
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append("'" + "_" * max(0, j - i - 1) + "'")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def literals_of(code):
    return re.findall(r'R"(\w*)\(((?:.|\n)*?)\)\1"|"((?:[^"\\\n]|\\.)*)"', code)


def literal_text(code):
    parts = []
    for raw_delim, raw, plain in literals_of(code):
        parts.append(raw if raw else plain)
    return " ".join(parts)


def without_literals(code):
    code = re.sub(r'R"(\w*)\((?:.|\n)*?\)\1"', '""', code)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', code)


def statements(clean):
    """(start offset, end offset) of each ';'-terminated statement, also splitting at '{'/'}'."""
    spans, start, depth, i, n = [], 0, 0, 0, len(clean)
    while i < n:
        c = clean[i]
        if c == '"' or (c == "R" and clean.startswith('R"', i)):
            if c == "R":
                m = re.match(r'R"([^(\s]*)\(', clean[i:])
                if m:
                    end = clean.find(")" + m.group(1) + '"', i)
                    i = (n if end < 0 else end + len(m.group(1)) + 2)
                    continue
            j = i + 1
            while j < n and clean[j] != '"':
                j += 2 if clean[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif c in ";{}" and depth == 0:
            spans.append((start, i))
            start = i + 1
        elif c == ";" and depth > 0:
            pass  # for(;;) and lambdas inside calls stay with their statement
        i += 1
    spans.append((start, n))
    return spans


def call_args(clean, open_paren):
    """The top-level arguments of the call whose '(' is at open_paren, and the ')' offset."""
    args, depth, start, i, n = [], 0, open_paren + 1, open_paren, len(clean)
    while i < n:
        c = clean[i]
        if c == '"':
            j = i + 1
            while j < n and clean[j] != '"':
                j += 2 if clean[j] == "\\" else 1
            i = j + 1
            continue
        if c == "R" and clean.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', clean[i:])
            if m:
                end = clean.find(")" + m.group(1) + '"', i)
                i = n if end < 0 else end + len(m.group(1)) + 2
                continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append(clean[start:i])
                return args, i
        elif c == "," and depth == 1:
            args.append(clean[start:i])
            start = i + 1
        i += 1
    return args, n


CONSTANT_TOKENS = re.compile(
    r'\s*(?:(?:u8?|u|L)?R"(\w*)\((?:.|\n)*?\)\1"|(?:u8?|u|L)?"(?:[^"\\\n]|\\.)*"'
    r'|[A-Z][A-Z0-9_]+(?:\s*\((?:\s*"(?:[^"\\\n]|\\.)*"\s*,?)*\))?)', re.S)
WRAPPERS = re.compile(r"^(?:QStringLiteral|QLatin1String|QLatin1StringView|QString::fromLatin1|"
                      r"QString::fromUtf8|QString)\s*\((.*)\)$", re.S)


def is_literal(expr):
    """A compile-time constant: string literals, adjacent ones, string macros (ALL_CAPS names),
    in QStringLiteral()/QLatin1String() or with _s/_L1; or a ?: choosing between such."""
    e = expr.strip()
    if not e:
        return False
    if e.startswith("(") and e.endswith(")") and call_args(e, 0)[1] == len(e) - 1:
        return is_literal(e[1:-1])
    branches = split_ternary(e)
    if branches:
        return all(is_literal(b) for b in branches)
    pieces = split_plus(e)
    if len(pieces) > 1:
        # Literals joined to literals, or to "?, ?" lists that only Database's placeholder
        # helpers write (they take counts, never text).
        return all(PLACEHOLDERS.fullmatch(p.strip()) or is_literal(p) or CHAR_LITERAL.fullmatch(p.strip())
                   for p in pieces) and any(is_literal(p) for p in pieces)
    e = re.sub(r"(?:_s|_L1|_qs)$", "", e).strip()
    m = WRAPPERS.match(e)
    if m and call_args(e, e.index("("))[1] == len(e) - 1:
        e = m.group(1).strip()
    pos = 0
    while pos < len(e):
        m = CONSTANT_TOKENS.match(e, pos)
        if not m or m.end() == pos:
            return False
        pos = m.end()
        while pos < len(e) and e[pos].isspace():
            pos += 1
    return '"' in e


PLACEHOLDERS = re.compile(r"Database::(?:listPlaceholders|rowPlaceholders)\s*\([^()\"]*\)")
CHAR_LITERAL = re.compile(r"u?'_+'")


def split_plus(e):
    """The operands of top-level binary '+' in e (one item when there is none)."""
    parts, depth, start, i, n = [], 0, 0, 0, len(e)
    while i < n:
        c = e[i]
        if c == '"':
            j = i + 1
            while j < n and e[j] != '"':
                j += 2 if e[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "+" and depth == 0 and not e.startswith("++", i) and not e.startswith("+=", i):
            parts.append(e[start:i])
            start = i + 1
        i += 1
    parts.append(e[start:])
    return parts


def split_ternary(e):
    """The two results of a top-level `cond ? a : b`, or None."""
    depth, q, i, n = 0, -1, 0, len(e)
    while i < n:
        c = e[i]
        if c == '"':
            j = i + 1
            while j < n and e[j] != '"':
                j += 2 if e[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c == "?" and q < 0:
            q = i
        elif depth == 0 and c == ":" and q >= 0 and not e.startswith("::", i) and e[i - 1] != ":":
            return [e[q + 1:i], e[i + 1:]]
        i += 1
    return None


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def marked(lines, first_line, last_line):
    """A marker with a reason on the statement's lines or in the three lines above them."""
    for ln in range(max(1, first_line - 3), last_line + 1):
        m = MARKER.search(lines[ln - 1])
        if m and len(m.group(1).strip()) >= 10:
            return True
    return False


def assignments(clean, name):
    """Expressions assigned to `name` in the file (declarations, '=' and '+=')."""
    found = []
    pat = re.compile(r"(?:\b(?:const\s+)?(?:QString|QStringView|QLatin1String|auto|QByteArray)\s*&?\s*"
                     + re.escape(name) + r"\s*(=|\{|\()|(?<![\w.>])" + re.escape(name) + r"\s*(\+?=)(?!=))")
    for m in pat.finditer(clean):
        op = m.group(1) or m.group(2)
        start = m.end()
        if op in ("{", "("):
            args, end = call_args(clean, m.end() - 1)
            found.append((m.start(), op, ",".join(args)))
            continue
        end = start
        depth = 0
        while end < len(clean):
            ch = clean[end]
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif ch == ";" and depth == 0:
                break
            elif ch == '"':
                j = end + 1
                while j < len(clean) and clean[j] != '"':
                    j += 2 if clean[j] == "\\" else 1
                end = j
            end += 1
        found.append((m.start(), op, clean[start:end]))
    return found


def check_text(path, text):
    findings = []
    lines = text.split("\n")
    clean = strip_comments_keep_strings(text)

    # 1. SQL literals put together with something.
    for start, end in statements(clean):
        stmt = clean[start:end]
        if not SQL_KEYWORDS.search(literal_text(stmt)):
            continue
        if any(sink.search(stmt) for sink, _ in SINKS):
            continue  # pass 2 reads the SQL argument of the call itself
        code = without_literals(stmt)
        # Ignore '+'/'%' inside numbers, ++, and the ones in template/lambda noise.
        if not BUILDERS.search(code):
            continue
        first = line_of(text, start + len(stmt) - len(stmt.lstrip()))
        last = line_of(text, end)
        if not marked(lines, first, last):
            findings.append((first, "SQL text put together from pieces (bind values; mark a "
                                    "constant fragment with '// sql-constant: <why>')"))

    # 2. SQL handed to the database that is not a literal.
    spans = statements(clean)
    for sink, index in SINKS:
        for m in sink.finditer(clean):
            args, end = call_args(clean, m.end() - 1)
            if len(args) <= index:
                continue
            expr = args[index].strip()
            if is_literal(expr):
                continue
            # The marker may stand above the whole statement the call is part of.
            begin = next((b + len(clean[b:e]) - len(clean[b:e].lstrip())
                          for b, e in spans if b <= m.start() < e + 1), m.start())
            first, last = line_of(text, min(begin, m.start())), line_of(text, end)
            name = re.fullmatch(r"[A-Za-z_]\w*(?:(?:\.|->)\w+)*(?:\(\))?", expr)
            if name:
                base = re.split(r"\.|->", expr)[-1].rstrip("()")
                defs = assignments(clean, base)
                if defs and all(is_literal(e) and op != "+=" for _, op, e in defs):
                    continue
                # Every assignment of a name built from pieces is a finding of its own (pass 1
                # or below); the call is clean when each of them is literal or marked.
                bad = [(pos, e) for pos, op, e in defs if not is_literal(e) or op == "+="]
                if defs and all(marked(lines, line_of(text, pos), line_of(text, pos) + e.count("\n"))
                                for pos, e in bad):
                    continue
            if not marked(lines, first, last):
                findings.append((first, "SQL given to the database is not a literal: %s"
                                 % " ".join(expr.split())[:80]))
    return [(path, ln, msg) for ln, msg in sorted(set(findings))]


def scan(roots):
    findings = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "build"]
            for f in sorted(filenames):
                if f.endswith((".cpp", ".h", ".hpp", ".cc")):
                    p = os.path.join(dirpath, f)
                    with open(p, encoding="utf-8", errors="replace") as fh:
                        findings += check_text(p, fh.read())
    return findings


PLANTED_BAD = {
    "arg into run": 'auto q = m_db.run(QStringLiteral("k"), QStringLiteral("SELECT * FROM inbox WHERE id = \'%1\'").arg(id), {});\n',
    "plus into execute": 'db.execute(QStringLiteral("DELETE FROM outbox WHERE target = ") + target);\n',
    "built variable": 'QString sql = QStringLiteral("SELECT id FROM mirror WHERE name = \'");\nsql += name + QStringLiteral("\'");\nauto q = db.run(QStringLiteral("k"), sql, {});\n',
    "prepare of concatenation": 'QSqlQuery q(d);\nq.prepare("UPDATE leads SET name = \'" + name + "\'");\n',
    "marker without reason": '// sql-constant:\nauto q = m_db.run(QStringLiteral("k"), QStringLiteral("SELECT %1 FROM t").arg(col), {});\n',
    "u literal plus": 'm_db.execute(u"DROP TABLE "_s + table);\n',
    "placeholders beside input": 'auto q = m_db.run(QStringLiteral("k"), QStringLiteral("SELECT * FROM t WHERE id IN (") + Database::listPlaceholders(n) + QStringLiteral(") AND name = \'") + name + u\'\\\'\', values);\n',
    "ternary with input": 'auto q = m_db.run(QStringLiteral("k"), leads ? QStringLiteral("SELECT 1") : QStringLiteral("SELECT ") + column);\n',
}
PLANTED_GOOD = {
    "placeholders": 'auto q = m_db.run(QStringLiteral("k.%1").arg(n), QStringLiteral("UPDATE t SET a = ? WHERE id IN (") + Database::listPlaceholders(n) + u\')\', values);\n',
    "ternary of literals": 'auto q = m_db.run(QStringLiteral("k"), leads ? QStringLiteral("SELECT COUNT(*) FROM leads") : QStringLiteral("SELECT COUNT(*) FROM agents"));\n',
    "bound value": 'auto q = m_db.run(QStringLiteral("inbox.get"), QStringLiteral("SELECT id FROM inbox WHERE id = ?"), {id});\n',
    "literal variable": 'const QString sql = QStringLiteral("SELECT 1");\nauto q = db.run(QStringLiteral("k"), sql, {});\n',
    "marked constant": '// sql-constant: the table name comes from the fixed kTables list above\nauto q = db.run(QStringLiteral("k"), QStringLiteral("DELETE FROM %1").arg(kTables[i]), {});\n',
    "message with arg": 'return makeError(QStringLiteral("store"), QStringLiteral("Statement %1 failed").arg(key));\n',
}


def self_test():
    ok = True
    with tempfile.TemporaryDirectory() as d:
        for name, body in list(PLANTED_BAD.items()) + list(PLANTED_GOOD.items()):
            p = os.path.join(d, re.sub(r"\W", "_", name) + ".cpp")
            with open(p, "w") as fh:
                fh.write("void f() {\n" + body + "}\n")
            found = check_text(p, "void f() {\n" + body + "}\n")
            expected = name in PLANTED_BAD
            if bool(found) != expected:
                ok = False
                print("self-test: %s: %s" % (name, "not found" if expected else "false finding %s" % found))
        # The whole folder scanned: every planted example found, no clean one.
        total = scan([d])
        files = {os.path.basename(p) for p, _, _ in total}
        if len(files) != len(PLANTED_BAD):
            ok = False
            print("self-test: folder scan found %d files, expected %d" % (len(files), len(PLANTED_BAD)))
    print("self-test %s: %d planted examples found, %d clean ones passed"
          % ("passed" if ok else "FAILED", len(PLANTED_BAD), len(PLANTED_GOOD)))
    return 0 if ok else 1


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) < 2:
        print(__doc__)
        return 2
    findings = scan(argv[1:])
    for path, ln, msg in findings:
        print("%s:%d: %s" % (path, ln, msg))
    print("%d finding(s) in %s" % (len(findings), " ".join(argv[1:])))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
