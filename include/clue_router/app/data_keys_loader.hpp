#pragma once
// Finds the data keyring the configuration names (a file, or an environment variable), and
// reads it. The keys never live in the database or in the configuration file itself.
#include <memory>
#include <optional>
#include <string>

#include "clue_router/app/config.hpp"
#include "clue_router/service/data_keys.hpp"

namespace clue_router::app {

// The keyring's text, or nullopt when the configuration names no keyring. Throws
// std::runtime_error when it names one that cannot be read.
std::optional<std::string> read_data_keyring_text(const Config& config);

// The keyring, or nullopt when none is configured. Throws when it is configured but
// missing or malformed.
std::shared_ptr<const service::DataKeyring> load_data_keyring(const Config& config);

// As load_data_keyring, but a missing keyring is an error: for anything that stores or
// reads personal data.
std::shared_ptr<const service::DataKeyring> require_data_keyring(const Config& config);

}  // namespace clue_router::app
