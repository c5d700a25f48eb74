// perfgate token create|list|revoke --db PATH --project P
// A token is shown once, at creation; the store keeps only its SHA-256.

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "cli_support.hpp"
#include "perfgate/model/time.hpp"

namespace perfgate::collector {

namespace {

struct TokenOptions {
  std::string db;
  std::string project;
  std::string name = "ci";
  std::int64_t id = 0;
};

std::string RandomToken() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  unsigned char bytes[24];
  if (!random.read(reinterpret_cast<char*>(bytes), sizeof bytes)) throw EnvironmentError("cannot read /dev/urandom");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token = "pg_";
  for (unsigned char byte : bytes) {
    token += kHex[byte >> 4];
    token += kHex[byte & 15];
  }
  return token;
}

}  // namespace

void AddTokenCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TokenOptions>();
  CLI::App* command = app.add_subcommand("token", "Manage project tokens for uploads to the server");
  command->require_subcommand(1);
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--db", options->db, "SQLite results database")->required();
    sub->add_option("--project", options->project, "Project name")->required();
  };
  CLI::App* create = command->add_subcommand("create", "Create a token and print it (shown once)");
  add_common(create);
  create->add_option("--name", options->name, "What the token is for")->capture_default_str();
  create->callback([options, &exit_code] {
    RequireName("--project", options->project);
    auto db = OpenStore(options->db, /*must_exist=*/false);
    std::string token = RandomToken();
    auto info = db->CreateToken(options->project, options->name, store::HashToken(token), token.substr(0, 7), NowSeconds());
    std::cout << token << "\n";
    std::cerr << "token " << info.id << " (" << info.name << ") for project " << options->project
              << ": store it now, it is not shown again\n";
    exit_code = kSuccess;
  });
  CLI::App* list = command->add_subcommand("list", "List a project's tokens (never the tokens themselves)");
  add_common(list);
  list->callback([options, &exit_code] {
    auto db = OpenStore(options->db, /*must_exist=*/true);
    for (const auto& token : db->ListTokens(options->project)) {
      std::cout << token.id << "\t" << token.prefix << "…\t" << token.name << "\t" << model::FormatIsoTime(token.created_at)
                << (token.revoked ? "\trevoked" : "") << "\n";
    }
    exit_code = kSuccess;
  });
  CLI::App* revoke = command->add_subcommand("revoke", "Revoke a token by id");
  add_common(revoke);
  revoke->add_option("id", options->id, "Token id (from token list)")->required();
  revoke->callback([options, &exit_code] {
    auto db = OpenStore(options->db, /*must_exist=*/true);
    if (!db->RevokeToken(options->project, options->id)) {
      throw UsageError("no token " + std::to_string(options->id) + " in project " + options->project);
    }
    std::cout << "revoked token " << options->id << "\n";
    exit_code = kSuccess;
  });
}

}  // namespace perfgate::collector
