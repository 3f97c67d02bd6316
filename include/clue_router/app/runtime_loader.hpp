#pragma once
// Loads the configuration data into one snapshot: the criteria, routing rules, deadlines and
// optional region list from their files, and the agency directory from the database, where
// administrators keep it (API, `agencies import`). The directory file of the configuration
// seeds the database: its agencies that the database does not hold yet are added, at start
// and on reload; agencies already stored are left as the administrators last wrote them.
// A bad file is an error naming the file and the problem, and so are criteria changed under
// a version string already used with other content; on reload the old snapshot stays.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/app/config.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::app {

// A JSON file; throws std::runtime_error naming the file (as "the <what> file <path>") and,
// for broken JSON, the line and column where it breaks.
nlohmann::json read_json_file(const std::string& path, const char* what);

// Everything but the directory (left empty), from the configured files.
std::shared_ptr<service::RuntimeConfig> load_config_files(const Config& config);

// The configured directory file, checked as a whole (empty when none is configured).
domain::Directory load_directory_file(const Config& config);

// Adds the directory file's agencies the database lacks, checking the result as a whole
// first; returns how many were added.
int seed_directory(storage::Store& store, const Config& config);

// Records the criteria's version with its content in the database, or throws
// std::runtime_error naming the file when the version was first used with other content
// (service/criteria_versions).
void record_criteria_version(storage::Store& store, const Config& config,
                             const service::RuntimeConfig& files);

// The directory as stored.
domain::Directory stored_directory(storage::Store& store);

// Files (the criteria version checked and recorded) + seeded, stored directory: what serve
// starts and reloads with.
std::shared_ptr<const service::RuntimeConfig> load_runtime_config(const Config& config,
                                                                  storage::Store& store);

}  // namespace clue_router::app
