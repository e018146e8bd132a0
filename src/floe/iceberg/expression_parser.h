// The text form of filters (`floe table scan T --where EXPR`), parsed into unbound
// expressions (expression.h). SQL-like, keywords case-insensitive:
//
//   expr      := or
//   or        := and ( OR and )*
//   and       := unary ( AND unary )*
//   unary     := NOT unary | '(' expr ')' | TRUE | FALSE | predicate
//   predicate := column op literal | literal op column
//              | column [NOT] IN '(' literal ( ',' literal )* ')'
//              | column IS [NOT] NULL | column IS [NOT] NAN | is_nan '(' column ')'
//              | column [NOT] LIKE 'prefix%' | starts_with '(' column ',' 'prefix' ')'
//   op        := = | == | != | <> | < | <= | > | >=
//   column    := name ( '.' name )*        name: [A-Za-z_][A-Za-z0-9_]* or "double quoted"
//   literal   := ['-'|'+'] number | 'string' (with '' for a quote) | TRUE | FALSE
//
// LIKE accepts only prefix patterns (one trailing %, no _; \ escapes % _ and \), and a
// pattern without wildcards (equality). Errors give the byte offset of the problem.
// Nesting depth is bounded (hostile input cannot exhaust the stack). Thread-safe.
#pragma once

#include <string_view>

#include "floe/common/status.h"
#include "floe/iceberg/expression.h"

namespace floe::iceberg {

// Deepest nesting of parentheses and NOTs the parser accepts.
inline constexpr int kMaxFilterDepth = 200;

// Parses `text` into an unbound expression. InvalidArgument "filter: offset N: ..." on
// malformed input.
Result<ExprPtr> ParseExpression(std::string_view text);

}  // namespace floe::iceberg
