#include "clue_router/app/command_store.hpp"

#include <filesystem>

#include "clue_router/storage/sqlite_store.hpp"

namespace clue_router::app {

std::unique_ptr<storage::Store> open_command_store(
    const Config& config, std::shared_ptr<const storage::PersonalDataCipher> cipher) {
    const auto parent = std::filesystem::path(config.database).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    storage::SqliteOptions options;
    options.path = config.database;
    options.synchronous = config.synchronous;
    options.read_connections = 1;
    options.cipher = std::move(cipher);
    return storage::open_sqlite_store(options);
}

}  // namespace clue_router::app
