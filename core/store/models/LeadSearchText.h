#pragma once

// The text the leads view's filter searches: ids, names, company, email and phone of a lead in
// one string, so "ann smith" finds a full name. One definition for the migration (SQLite FTS5
// triggers, PostgreSQL trigram index) and the queries: PostgreSQL only uses an expression index
// when the query spells the expression exactly as the index does. `p` is a column prefix such
// as "new." inside a trigger.
#define LB_LEADS_SEARCH_TEXT(p)                                                                    \
    "(COALESCE(" p "platform_id, '') || ' ' || COALESCE(" p "salesforce_id, '') || ' ' || "        \
    "COALESCE(" p "first_name, '') || ' ' || COALESCE(" p "last_name, '') || ' ' || "              \
    "COALESCE(" p "company, '') || ' ' || COALESCE(" p "email, '') || ' ' || "                     \
    "COALESCE(" p "phone, ''))"
