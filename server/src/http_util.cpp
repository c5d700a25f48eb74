#include "http_util.hpp"

namespace perfgate::server {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Target SplitTarget(std::string_view target) {
  auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

std::optional<std::vector<std::string>> DecodePathSegments(std::string_view raw_path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= raw_path.size()) {
    auto slash = raw_path.find('/', start);
    std::string_view raw = raw_path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    bool last = slash == std::string_view::npos;
    if (!raw.empty()) {
      auto decoded = PercentDecode(raw, /*plus_is_space=*/false);
      if (!decoded) return std::nullopt;
      segments.push_back(std::move(*decoded));
    } else if (last && start > 0 && !segments.empty()) {
      segments.emplace_back();  // trailing slash
    }
    if (last) break;
    start = slash + 1;
  }
  return segments;
}

std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query, std::string* bad_key) {
  std::map<std::string, std::string> params;
  std::size_t start = 0;
  while (start < query.size()) {
    auto amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    start = amp == std::string_view::npos ? query.size() : amp + 1;
    if (pair.empty()) continue;
    auto equals = pair.find('=');
    std::string_view raw_key = pair.substr(0, equals);
    std::string_view raw_value = equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    auto key = PercentDecode(raw_key, true);
    auto value = PercentDecode(raw_value, true);
    if (!key || !value) {
      if (bad_key) *bad_key = key ? *key : std::string(raw_key);
      return std::nullopt;
    }
    params[std::move(*key)] = std::move(*value);
  }
  return params;
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ErrorBody(std::string_view code, std::string_view message, std::string_view where) {
  nlohmann::json error{{"code", code}, {"message", message}};
  if (!where.empty()) error["where"] = where;
  return Dump(nlohmann::json{{"error", std::move(error)}});
}

std::string EscapeLabel(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace perfgate::server
