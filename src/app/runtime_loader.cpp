#include "clue_router/app/runtime_loader.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "clue_router/domain/json_text.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/criteria_versions.hpp"

namespace clue_router::app {

nlohmann::json read_json_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot read the ") + what + " file " + path);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto doc = domain::parse_json_text(text);
    if (!doc) {
        throw std::runtime_error(std::string("the ") + what + " file " + path +
                                 " is not valid JSON: " + doc.error());
    }
    return std::move(*doc);
}

std::shared_ptr<service::RuntimeConfig> load_config_files(const Config& config) {
    auto out = std::make_shared<service::RuntimeConfig>();
    const auto criteria_doc = read_json_file(config.criteria, "criteria");
    auto criteria = domain::parse_criteria(criteria_doc);
    if (!criteria) {
        throw std::runtime_error("criteria " + config.criteria + ": " + criteria.error());
    }
    out->criteria = std::move(*criteria);
    out->criteria_sha256 = service::criteria_sha256(criteria_doc);
    auto routing = domain::parse_routing_rules(read_json_file(config.routing, "routing"));
    if (!routing) throw std::runtime_error(config.routing + ": " + routing.error());
    out->routing = std::move(*routing);
    if (!config.deadlines.empty()) {
        auto deadlines =
            domain::parse_deadline_policy(read_json_file(config.deadlines, "deadlines"));
        if (!deadlines) throw std::runtime_error(config.deadlines + ": " + deadlines.error());
        out->deadlines = std::move(*deadlines);
    }
    if (!config.regions.empty()) {
        auto regions = domain::RegionList::from_json(read_json_file(config.regions, "regions"));
        if (!regions) throw std::runtime_error(config.regions + ": " + regions.error());
        out->regions = std::make_shared<const domain::RegionList>(std::move(*regions));
    }
    auto relief = domain::ReliefStandards::from_json(
        read_json_file(config.relief_standards, "relief standards"));
    if (!relief) {
        throw std::runtime_error("relief standards " + config.relief_standards + ": " +
                                 relief.error());
    }
    out->relief = std::move(*relief);
    return out;
}

domain::Directory load_directory_file(const Config& config) {
    if (config.directory.empty()) return *domain::Directory::build({});
    auto directory = domain::Directory::from_json(read_json_file(config.directory, "directory"));
    if (!directory) {
        throw std::runtime_error("directory " + config.directory + ": " + directory.error());
    }
    return std::move(*directory);
}

domain::Directory stored_directory(storage::Store& store) {
    auto directory = domain::Directory::build(store.reader()->agencies());
    if (!directory) {
        throw std::runtime_error("the directory in the database is inconsistent: " +
                                 directory.error());
    }
    return std::move(*directory);
}

int seed_directory(storage::Store& store, const Config& config) {
    const auto file = load_directory_file(config);
    auto stored = store.reader()->agencies();
    std::vector<domain::Agency> missing;
    for (const auto& agency : file.all()) {
        const bool known = std::any_of(stored.begin(), stored.end(),
                                       [&](const auto& a) { return a.id == agency.id; });
        if (!known) missing.push_back(agency);
    }
    if (missing.empty()) return 0;
    std::vector<domain::Agency> combined = stored;
    combined.insert(combined.end(), missing.begin(), missing.end());
    if (auto check = domain::Directory::build(std::move(combined)); !check) {
        throw std::runtime_error("directory " + config.directory +
                                 " does not fit the stored directory: " + check.error());
    }
    const auto now = service::SystemClock{}.now();
    const auto actor = service::system_actor("directory-seed", now);
    storage::write_and_wait(store, [&](storage::WriteTransaction& tx) {
        for (const auto& agency : missing) {
            tx.upsert_agency(agency);
            service::append_audit(tx, actor, now, {"agency.seeded", "agency", agency.id, {}});
        }
    });
    return static_cast<int>(missing.size());
}

void record_criteria_version(storage::Store& store, const Config& config,
                             const service::RuntimeConfig& files) {
    const auto now = service::SystemClock{}.now();
    try {
        storage::write_and_wait(store, [&](storage::WriteTransaction& tx) {
            service::record_criteria_version(tx, files.criteria.version, files.criteria_sha256,
                                             now);
        });
    } catch (const service::CriteriaVersionConflict& e) {
        throw std::runtime_error("criteria " + config.criteria + ": " + e.what());
    }
}

std::shared_ptr<const service::RuntimeConfig> load_runtime_config(const Config& config,
                                                                  storage::Store& store) {
    auto files = load_config_files(config);
    // Before anything is written: criteria refused here leave the database as it was.
    record_criteria_version(store, config, *files);
    seed_directory(store, config);
    files->directory = stored_directory(store);
    return files;
}

}  // namespace clue_router::app
