#include "clue_router/app/runtime_loader.hpp"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace clue_router::app {

namespace {

nlohmann::json read_json_file(const std::string& path, const char* what) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(std::string("cannot read the ") + what + " file " + path);
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded()) {
        throw std::runtime_error(std::string("the ") + what + " file " + path +
                                 " is not valid JSON");
    }
    return doc;
}

}  // namespace

std::shared_ptr<const service::RuntimeConfig> load_runtime_config(const Config& config) {
    auto directory = domain::Directory::from_json(read_json_file(config.directory, "directory"));
    if (!directory) {
        throw std::runtime_error("directory " + config.directory + ": " + directory.error());
    }
    auto criteria = domain::parse_criteria(read_json_file(config.criteria, "criteria"));
    if (!criteria) {
        throw std::runtime_error("criteria " + config.criteria + ": " + criteria.error());
    }
    auto relief = domain::ReliefStandards::from_json(
        read_json_file(config.relief_standards, "relief standards"));
    if (!relief) {
        throw std::runtime_error("relief standards " + config.relief_standards + ": " +
                                 relief.error());
    }
    return std::make_shared<const service::RuntimeConfig>(
        service::RuntimeConfig{std::move(*directory), std::move(*criteria), std::move(*relief)});
}

void sync_directory(storage::Store& store, const domain::Directory& directory) {
    storage::write_and_wait(store, [&](storage::WriteTransaction& tx) {
        for (const auto& agency : directory.all()) tx.upsert_agency(agency);
    });
}

}  // namespace clue_router::app
