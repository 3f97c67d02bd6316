#pragma once
// Loads the configuration data (directory, criteria) from files into one snapshot. Used at
// start and on reload; a bad file is an error naming the file and the problem, and on reload
// the old snapshot stays in force.
#include <memory>
#include <string>

#include "clue_router/app/config.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::app {

std::shared_ptr<const service::RuntimeConfig> load_runtime_config(const Config& config);

// Writes the directory's agencies into the database, so that stored tickets and keys refer
// to agencies the database knows.
void sync_directory(storage::Store& store, const domain::Directory& directory);

}  // namespace clue_router::app
