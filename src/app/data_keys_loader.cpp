#include "clue_router/app/data_keys_loader.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace clue_router::app {

std::optional<std::string> read_data_keyring_text(const Config& config) {
    if (!config.data_keys_file.empty() && !config.data_keys_env.empty()) {
        throw std::runtime_error("set data_keys_file or data_keys_env, not both");
    }
    if (!config.data_keys_env.empty()) {
        const char* value = std::getenv(config.data_keys_env.c_str());
        if (value == nullptr || *value == '\0') {
            throw std::runtime_error("data_keys_env names " + config.data_keys_env +
                                     ", which is not set");
        }
        return std::string(value);
    }
    if (!config.data_keys_file.empty()) {
        std::ifstream in(config.data_keys_file);
        if (!in) throw std::runtime_error("cannot read data_keys_file " + config.data_keys_file);
        // As ssh does with private keys: a keyring others can read is refused, not used.
        struct stat st {};
        if (::stat(config.data_keys_file.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
            throw std::runtime_error("data_keys_file " + config.data_keys_file +
                                     " may be read or written by other users; chmod 600 it");
        }
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    return std::nullopt;
}

std::shared_ptr<const service::DataKeyring> load_data_keyring(const Config& config) {
    const auto text = read_data_keyring_text(config);
    if (!text) return nullptr;
    try {
        return service::DataKeyring::parse(*text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("the data keyring is not usable: " + std::string(e.what()));
    }
}

std::shared_ptr<const service::DataKeyring> require_data_keyring(const Config& config) {
    auto ring = load_data_keyring(config);
    if (!ring) {
        throw std::runtime_error(
            "no data key: set data_keys_file or data_keys_env (see docs/configuration.md); "
            "clue-router does not store personal data in clear");
    }
    return ring;
}

}  // namespace clue_router::app
