#pragma once
// The one rule for the names a user gives perfgate: project, branch, testbed,
// benchmark and metric names. Every door (the CLI's flags, the HTTP API's
// parameters, a results file's benchmark names on ingest) asks this rule, so a
// name one accepts the other never refuses.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate::model {

// Names are stored exactly as given, any Unicode included, up to this many bytes.
inline constexpr std::size_t kMaxNameBytes = 512;

// Why `name` cannot be used ("must not be empty", "longer than 512 bytes", "not
// valid UTF-8", "contains a control character"); absent when it can.
std::optional<std::string> NameProblem(std::string_view name);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Replaces each byte of `text` that is not part of a well-formed UTF-8 sequence
// with U+FFFD; true when it changed anything. For free text (labels, error
// messages, a run's context), which is kept, where a name would be refused.
bool ReplaceInvalidUtf8(std::string& text);

}  // namespace perfgate::model
