#include "clue_router/app/cli.hpp"

#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "clue_router/app/accounts_setup.hpp"
#include "clue_router/app/backup_command.hpp"
#include "clue_router/app/command_store.hpp"
#include "clue_router/app/config.hpp"
#include "clue_router/app/console_loader.hpp"
#include "clue_router/app/data_keys_loader.hpp"
#include "clue_router/app/list_output.hpp"
#include "clue_router/app/progress.hpp"
#include "clue_router/app/runtime_loader.hpp"
#include "clue_router/app/screen_command.hpp"
#include "clue_router/app/serve.hpp"
#include "clue_router/service/api_keys.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/retention.hpp"
#include "clue_router/storage/sqlite_store.hpp"

namespace clue_router::app {

namespace {

// Removes the personal data of clues closed longer than the retention period, or (dry run)
// lists what would go. Needs no data key: nothing is decrypted, the envelopes are dropped.
int purge(const Config& config, bool dry_run, bool as_json) {
    auto store = open_command_store(config);
    service::SystemClock clock;
    service::Retention retention(*store, clock,
                                 std::chrono::days(config.retention_days_after_close));
    service::RetentionReport report;
    if (dry_run) {
        report = retention.dry_run();
    } else {
        auto progress = Progress::on_stderr("purge", "clue(s)");
        report = retention.purge(service::command_line_actor(clock.now()), 200,
                                 [&progress](int purged) { progress.update(purged); });
    }
    store->stop();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& c : report.due) {
        items.push_back(
            {{"clue_id", c.clue_id}, {"closed_at", domain::format_rfc3339(c.closed_at)}});
    }
    print_list(std::cout, {"clue_id", "closed_at"}, items, as_json);
    std::cerr << (dry_run ? "would purge " : "purged ")
              << (dry_run ? report.due.size() : static_cast<std::size_t>(report.purged))
              << " clue(s) closed more than " << config.retention_days_after_close
              << " day(s) ago; their anonymised records stay\n";
    return 0;
}

// Walks the audit chain; exit 0 when intact, 1 at the first broken link.
int audit_verify(const Config& config) {
    auto store = open_command_store(config);
    const auto v = service::verify_audit(*store->reader());
    store->stop();
    if (v.intact) {
        std::cout << "audit trail intact: " << v.rows << " row(s), head " << v.head_hash << "\n";
        return 0;
    }
    std::cout << "audit trail BROKEN at row " << *v.broken_at << ": " << v.problem << " (" << v.rows
              << " row(s) before it are sound, last sound hash " << v.head_hash << ")\n";
    return 1;
}

// Re-encrypts every clue and every other sealed value (storage/sealed_columns: webhook
// secrets, stored replies, sealed reasons and notes, screening results) not sealed under the
// keyring's current key (or not sealed at all: rows from before encryption), a batch per
// transaction so the running service keeps writing in between. Afterwards no stored value names an
// older key.
int keys_rotate_data_key(const Config& config) {
    auto keyring = require_data_keyring(config);
    auto store = open_command_store(config, keyring);
    const auto now = service::SystemClock{}.now();
    const auto actor = service::command_line_actor(now);
    int clues = 0;
    int values = 0;
    auto progress = Progress::on_stderr("re-encrypt", "value(s)");
    for (;;) {
        int n = 0;
        int m = 0;
        storage::write_and_wait(*store, [&](storage::WriteTransaction& tx) {
            n = tx.reseal_clues(200);
            m = tx.reseal_sealed_columns(200);
            if (n > 0 || m > 0) {
                service::append_audit(tx, actor, now,
                                      {"data_key.rotated",
                                       "data_key",
                                       keyring->current_key_id(),
                                       {{"clues", n}, {"values", m}}});
            }
        });
        clues += n;
        values += m;
        progress.update(clues + values);
        if (n == 0 && m == 0) break;
    }
    progress.finish();
    store->stop();
    std::cerr << "re-encrypted " << clues << " clue(s) and " << values
              << " other sealed value(s) (secrets, stored replies, reasons, notes, screenings) "
                 "under data key "
              << keyring->current_key_id() << "\n";
    return 0;
}

// Prints a keyring with a fresh current data key: the configured keyring plus the new key
// when there is one (older keys stay, to read what they sealed), else a new keyring.
int keys_new_data_key(const Config& config) {
    const auto existing = read_data_keyring_text(config);
    std::cout << service::DataKeyring::with_new_data_key(existing.value_or(""),
                                                         service::SystemClock{}.now());
    std::cerr << "a keyring with a new current data key is on stdout: store it where "
                 "data_keys_file or data_keys_env points, restart, then run "
                 "'clue-router keys rotate-data-key'\n";
    return 0;
}

int keys_create(const Config& config, const std::string& agency, const std::string& role_text,
                const std::string& label, int expires_in_days) {
    const auto role = service::parse_role(role_text);
    if (!role) {
        std::cerr << "error: --role must be intake, staff, supervisor or admin\n";
        return 2;
    }
    // The key's agency must be in the directory this deployment serves (the database, with
    // the directory file's new agencies seeded, as serve does).
    auto store = open_command_store(config);
    seed_directory(*store, config);
    if (!stored_directory(*store).find(agency)) {
        store->stop();
        std::cerr << "error: no agency '" << agency << "' in the directory\n";
        return 2;
    }
    service::SystemClock clock;
    service::ApiKeys keys(*store, clock);
    std::optional<domain::Timestamp> expires;
    if (expires_in_days > 0) expires = clock.now() + std::chrono::days(expires_in_days);
    const auto created =
        keys.create(service::command_line_actor(clock.now()), agency, *role, label, expires);
    store->stop();
    // One line on stdout, the secret alone, so that KEY=$(clue-router keys create …) works;
    // what a person needs besides goes to stderr.
    std::cerr << "created " << created.key.id << " for " << agency << " (" << role_text
              << "); its secret, on stdout, is shown once: store it now\n";
    std::cout << created.secret << std::endl;
    return 0;
}

int keys_list(const Config& config, bool as_json) {
    auto store = open_command_store(config);
    service::SystemClock clock;
    service::ApiKeys keys(*store, clock);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& k : keys.list()) items.push_back(service::to_json(k));
    store->stop();
    // The label last: it is free text, and may be long or in Chinese.
    print_list(
        std::cout,
        {"id", "agency", "role", "created_at", "expires_at", "revoked_at", "last_used_at", "label"},
        items, as_json);
    return 0;
}

int keys_revoke(const Config& config, const std::string& key_id) {
    auto store = open_command_store(config);
    service::SystemClock clock;
    service::ApiKeys keys(*store, clock);
    const bool revoked = keys.revoke(service::command_line_actor(clock.now()), key_id);
    store->stop();
    if (!revoked) {
        std::cerr << "error: no active key " << key_id << "\n";
        return 1;
    }
    std::cerr << "revoked " << key_id << "\n";
    return 0;
}

// The first line of a file, or of standard input for "-": passwords never go on the command
// line, where `ps` and the shell's history would show them.
std::string password_from(const std::string& path) {
    std::string line;
    if (path == "-") {
        std::getline(std::cin, line);
    } else {
        std::ifstream in(path);
        if (!in) throw std::runtime_error("cannot read the password file " + path);
        std::getline(in, line);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// Runs one PeopleService call and waits for its commit; prints its refusal.
int person_command(const Config& config,
                   const std::function<void(service::PeopleService&, const service::Actor&,
                                            service::Completion<storage::Person>)>& call,
                   const char* done_words) {
    // The keyring opens the sealed TOTP keys of the accounts it reads.
    auto store = open_command_store(config, load_data_keyring(config));
    seed_directory(*store, config);
    service::SystemClock clock;
    service::PeopleService people(*store, clock, people_options(config));
    std::promise<service::Result<storage::Person>> promise;
    call(people, service::command_line_actor(clock.now()),
         [&promise](service::Result<storage::Person> r) { promise.set_value(std::move(r)); });
    auto result = promise.get_future().get();
    store->stop();
    if (!result) {
        std::cerr << "error: " << result.error().detail << "\n";
        for (const auto& e : result.error().errors) {
            std::cerr << "  " << e.pointer << ": " << e.detail << "\n";
        }
        return result.error().kind == service::ErrorKind::not_found ? 1 : 2;
    }
    std::cerr << done_words << " " << result->id << " (" << result->username << ", "
              << result->agency_id << ", " << result->role << ")\n";
    std::cout << result->id << std::endl;
    return 0;
}

int users_list(const Config& config, bool as_json) {
    auto store = open_command_store(config, load_data_keyring(config));
    service::SystemClock clock;
    service::PeopleService people(*store, clock, {});
    auto result = people.list(service::command_line_actor(clock.now()));
    store->stop();
    if (!result) {
        std::cerr << "error: " << result.error().detail << "\n";
        return 1;
    }
    print_list(std::cout,
               {"id", "username", "agency", "role", "created_at", "disabled_at", "display_name"},
               (*result)["items"], as_json);
    return 0;
}

// Adds or replaces the file's agencies, all or none: the file is checked member by member
// (errors name /agencies/N/member), then the stored directory with the file applied is
// checked as a whole (parents, cycles, and region codes against the list when configured).
int agencies_import(const Config& config, const std::string& path) {
    nlohmann::json doc;
    try {
        doc = read_json_file(path, "agencies");
    } catch (const std::runtime_error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
    if (!doc.is_object() || !doc.contains("agencies") || !doc["agencies"].is_array()) {
        std::cerr << "error: " << path << " must be JSON of the form {\"agencies\": [ … ]}\n";
        return 2;
    }
    std::vector<domain::Agency> incoming;
    bool bad = false;
    for (std::size_t i = 0; i < doc["agencies"].size(); ++i) {
        auto agency = domain::parse_agency(doc["agencies"][i], "/agencies/" + std::to_string(i));
        if (!agency) {
            for (const auto& e : agency.error()) std::cerr << e.pointer << ": " << e.detail << "\n";
            bad = true;
            continue;
        }
        incoming.push_back(std::move(*agency));
    }
    if (bad) {
        std::cerr << "error: nothing was imported\n";
        return 2;
    }
    const auto files = load_config_files(config);
    auto store = open_command_store(config);
    std::map<std::string, domain::Agency> merged;
    for (auto& a : store->reader()->agencies()) merged[a.id] = std::move(a);
    for (std::size_t i = 0; i < incoming.size(); ++i) {
        const auto& a = incoming[i];
        if (files->regions && !files->regions->contains(a.region)) {
            std::cerr << "/agencies/" << i
                      << "/region: is not a code in the configured region list\n";
            bad = true;
        }
        merged[a.id] = a;
    }
    std::vector<domain::Agency> all;
    for (auto& [id, a] : merged) all.push_back(a);
    if (auto check = domain::Directory::build(std::move(all)); !check) {
        std::cerr << check.error() << "\n";
        bad = true;
    }
    if (bad) {
        store->stop();
        std::cerr << "error: nothing was imported\n";
        return 2;
    }
    const auto now = service::SystemClock{}.now();
    const auto actor = service::command_line_actor(now);
    storage::write_and_wait(*store, [&](storage::WriteTransaction& tx) {
        for (const auto& a : incoming) {
            tx.upsert_agency(a);
            service::append_audit(tx, actor, now, {"agency.imported", "agency", a.id, {}});
        }
    });
    store->stop();
    std::cerr << "imported " << incoming.size()
              << " agencies; a running server routes with them after a reload (SIGHUP or "
                 "POST /v1/admin/criteria/reload)\n";
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App cli{
        "clue-router: routes judicial-assistance clues between procuratorates, women's "
        "federations and their partners"};
    cli.require_subcommand(1);
    std::string config_path;

    auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP service");
    serve_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");

    auto* migrate_cmd = cli.add_subcommand("migrate", "apply database migrations and exit");
    migrate_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");

    auto* check_cmd =
        cli.add_subcommand("check-config", "validate the configuration, directory and criteria");
    check_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");

    auto* screen_cmd = cli.add_subcommand(
        "screen",
        "screen a JSONL file of clues offline and, where lines carry 'expect', score "
        "the criteria (per-group precision/recall/F1, urgent precision/recall)");
    screen_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    std::string screen_input, screen_criteria, screen_today;
    screen_cmd
        ->add_option("file", screen_input,
                     "clues, one per line: {\"clue\": …, "
                     "\"expect\": …} or a bare clue")
        ->required();
    screen_cmd->add_option("--criteria", screen_criteria,
                           "criteria file to try (default: the configured one)");
    screen_cmd->add_option("--today", screen_today,
                           "the date for age rules, YYYY-MM-DD (default: today, UTC+8)");

    auto* agencies_cmd = cli.add_subcommand("agencies", "manage the agency directory");
    agencies_cmd->require_subcommand(1);
    std::string import_path;
    auto* import_cmd = agencies_cmd->add_subcommand(
        "import", "add or replace agencies from a JSON file {\"agencies\": [ … ]}, all or none");
    import_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    import_cmd->add_option("file", import_path, "the agencies file")->required();

    auto* keys_cmd = cli.add_subcommand("keys", "manage API keys");
    keys_cmd->require_subcommand(1);
    std::string agency, role, label, key_id;
    int expires_in_days = 0;
    auto* create_cmd = keys_cmd->add_subcommand("create", "create a key; prints it once");
    create_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    create_cmd->add_option("--agency", agency, "agency id from the directory")->required();
    create_cmd->add_option("--role", role, "intake, staff, supervisor or admin")->required();
    create_cmd->add_option("--label", label, "what the key is for, e.g. the system using it");
    create_cmd->add_option("--expires-in-days", expires_in_days, "0: never")
        ->check(CLI::Range(0, 3650));
    auto* list_cmd = keys_cmd->add_subcommand("list", "list keys (never their secrets)");
    list_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    bool as_json = false;
    list_cmd->add_flag("--json", as_json, "a JSON array, as GET /v1/keys lists them");
    auto* revoke_cmd = keys_cmd->add_subcommand("revoke", "revoke a key at once");
    revoke_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    revoke_cmd->add_option("key_id", key_id, "the key's id (key_…)")->required();
    auto* new_data_key_cmd = keys_cmd->add_subcommand(
        "new-data-key",
        "print the configured data keyring with a fresh current data key added (or a new "
        "keyring when none is configured)");
    new_data_key_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    auto* rotate_cmd = keys_cmd->add_subcommand(
        "rotate-data-key", "re-encrypt all personal data under the keyring's current data key");
    rotate_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");

    auto* users_cmd = cli.add_subcommand("users", "manage people's accounts");
    users_cmd->require_subcommand(1);
    std::string username, display_name, person_id, password_file = "-";
    auto* user_create_cmd = users_cmd->add_subcommand(
        "create", "create an account; the password is read from the first line of stdin");
    user_create_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    user_create_cmd->add_option("--username", username, "what she signs in with")->required();
    user_create_cmd->add_option("--display-name", display_name, "her name as others see it")
        ->required();
    user_create_cmd->add_option("--agency", agency, "agency id from the directory")->required();
    user_create_cmd->add_option("--role", role, "intake, staff, supervisor or admin")->required();
    user_create_cmd->add_option("--password-file", password_file,
                                "read the password from this file's first line (default: stdin)");
    auto* user_list_cmd = users_cmd->add_subcommand("list", "list accounts (never passwords)");
    user_list_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    user_list_cmd->add_flag("--json", as_json, "a JSON array, as GET /v1/people lists them");
    auto* user_disable_cmd =
        users_cmd->add_subcommand("disable", "disable an account and end her sessions at once");
    user_disable_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    user_disable_cmd->add_option("person_id", person_id, "the account's id (psn_…)")->required();
    auto* user_reset_cmd = users_cmd->add_subcommand(
        "reset-password",
        "set a new password (first line of stdin) and end every session of the account");
    user_reset_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    user_reset_cmd->add_option("person_id", person_id, "the account's id (psn_…)")->required();
    user_reset_cmd->add_option("--password-file", password_file,
                               "read the password from this file's first line (default: stdin)");
    auto* user_reset_factor_cmd = users_cmd->add_subcommand(
        "reset-second-factor",
        "remove an account's TOTP key and recovery codes (a lost phone) and end her sessions; "
        "she enrols again at her next sign-in");
    user_reset_factor_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    user_reset_factor_cmd->add_option("person_id", person_id, "the account's id (psn_…)")
        ->required();

    auto* purge_cmd = cli.add_subcommand(
        "purge", "remove the personal data of clues closed longer than retention_days_after_close");
    purge_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    bool dry_run = false;
    purge_cmd->add_flag("--dry-run", dry_run, "list what would be purged; change nothing");
    purge_cmd->add_flag("--json", as_json, "list the clues as a JSON array");

    auto* audit_cmd = cli.add_subcommand("audit", "the audit trail");
    audit_cmd->require_subcommand(1);
    auto* verify_cmd = audit_cmd->add_subcommand(
        "verify", "check the hash chain; exit 1 and name the first broken row if it is not intact");
    verify_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");

    auto* backup_cmd = cli.add_subcommand(
        "backup",
        "copy the database to a new file, consistently, while the server serves (the data "
        "keyring is not in it: back that up separately)");
    backup_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    std::string backup_file;
    backup_cmd->add_option("file", backup_file, "the backup to write (must not exist)")->required();

    auto* restore_cmd = cli.add_subcommand(
        "restore",
        "replace the database with a backup, after checking its integrity, its schema version "
        "and that the data keyring opens it; refused while a server uses the database");
    restore_cmd->add_option("-c,--config", config_path, "configuration file (JSON)");
    std::string restore_file;
    restore_cmd->add_option("file", restore_file, "the backup to restore")->required();
    bool overwrite = false;
    restore_cmd->add_flag("--overwrite", overwrite,
                          "replace a database that holds data (what it gained since the backup "
                          "is lost)");

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }

    try {
        const Config config = load_config(config_path);
        if (*serve_cmd) {
            setup_logging(config.log_level);
            return serve(config);
        }
        if (*migrate_cmd) {
            auto store = open_command_store(config);
            store->stop();
            std::cerr << "database " << config.database << " is at schema version "
                      << storage::latest_schema_version() << "\n";
            return 0;
        }
        if (*check_cmd) {
            const auto files = load_config_files(config);
            const auto directory = load_directory_file(config);
            const auto accounts = people_options(config);  // the common-password list reads
            const auto console = load_console(config.console_dir);
            if (files->regions) {
                for (const auto& a : directory.all()) {
                    if (!files->regions->contains(a.region)) {
                        std::cerr << "error: agency '" << a.id
                                  << "': region is not a code in the region list\n";
                        return 1;
                    }
                }
            }
            std::cerr << "configuration is valid: " << directory.all().size()
                      << " agencies in the directory file, criteria " << files->criteria.version
                      << ", routing " << files->routing.version << ", "
                      << accounts.common_passwords->size() << " common passwords"
                      << (console ? ", the console (" + std::to_string(console->size()) + " files)"
                                  : std::string(", no console"))
                      << "\n";
            return 0;
        }
        if (*import_cmd) return agencies_import(config, import_path);
        if (*screen_cmd) {
            domain::CivilDate today = domain::civil_date_of(
                service::SystemClock{}.now() + std::chrono::minutes(config.local_offset_minutes));
            if (!screen_today.empty()) {
                const auto parsed = domain::parse_rfc3339(screen_today + "T00:00:00Z");
                if (!parsed) {
                    std::cerr << "error: --today must be a date written YYYY-MM-DD\n";
                    return 2;
                }
                today = domain::civil_date_of(*parsed);
            }
            return screen_file(screen_criteria.empty() ? config.criteria : screen_criteria,
                               screen_input, std::cout, std::cerr, today);
        }
        if (*create_cmd) return keys_create(config, agency, role, label, expires_in_days);
        if (*list_cmd) return keys_list(config, as_json);
        if (*revoke_cmd) return keys_revoke(config, key_id);
        if (*new_data_key_cmd) return keys_new_data_key(config);
        if (*rotate_cmd) return keys_rotate_data_key(config);
        if (*verify_cmd) return audit_verify(config);
        if (*user_create_cmd) {
            const nlohmann::json body = {{"username", username},
                                         {"display_name", display_name},
                                         {"agency", agency},
                                         {"role", role},
                                         {"password", password_from(password_file)}};
            return person_command(
                config,
                [&](auto& people, const auto& actor, auto done) {
                    people.create(actor, body, std::move(done));
                },
                "created");
        }
        if (*user_list_cmd) return users_list(config, as_json);
        if (*user_disable_cmd) {
            return person_command(
                config,
                [&](auto& people, const auto& actor, auto done) {
                    people.disable(actor, person_id, std::move(done));
                },
                "disabled");
        }
        if (*user_reset_cmd) {
            const nlohmann::json body = {{"password", password_from(password_file)}};
            return person_command(
                config,
                [&](auto& people, const auto& actor, auto done) {
                    people.reset_password(actor, person_id, body, std::move(done));
                },
                "reset the password of");
        }
        if (*user_reset_factor_cmd) {
            return person_command(
                config,
                [&](auto& people, const auto& actor, auto done) {
                    people.reset_second_factor(actor, person_id, std::move(done));
                },
                "reset the second factor of");
        }
        if (*purge_cmd) return purge(config, dry_run, as_json);
        if (*backup_cmd) return backup_command(config, backup_file, std::cerr);
        if (*restore_cmd) return restore_command(config, restore_file, overwrite, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 2;
}

}  // namespace clue_router::app
