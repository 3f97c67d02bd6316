#pragma once
// The store as a command-line tool opens it: the configured database (its directory created
// when missing), one read connection, migrations applied.
#include <memory>

#include "clue_router/app/config.hpp"
#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::app {

// cipher: only for commands that read or write personal data; the rest run without the
// data keyring, so key management needs no access to it.
std::unique_ptr<storage::Store> open_command_store(
    const Config& config, std::shared_ptr<const storage::PersonalDataCipher> cipher = nullptr);

}  // namespace clue_router::app
