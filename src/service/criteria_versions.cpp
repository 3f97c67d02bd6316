#include "clue_router/service/criteria_versions.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

std::string criteria_sha256(const nlohmann::json& document) {
    return sha256_hex(document.dump());
}

void record_criteria_version(storage::WriteTransaction& tx, const std::string& version,
                             const std::string& content_sha256, domain::Timestamp now) {
    if (const auto known = tx.find_criteria_version(version)) {
        if (known->content_sha256 == content_sha256) return;
        // A prefix of each digest is enough to tell the two apart in a log line.
        throw CriteriaVersionConflict(
            "criteria version '" + version + "' was first used on " +
            domain::format_rfc3339(known->first_used_at) + " with other content (sha256 " +
            known->content_sha256.substr(0, 12) + "…, this file's " + content_sha256.substr(0, 12) +
            "…): give the changed criteria a new version, so that its screenings can be told "
            "apart and POST /v1/admin/rescreen reaches the open clues");
    }
    tx.insert_criteria_version({version, content_sha256, now});
    append_audit(tx, system_actor("criteria-load", now), now,
                 {"criteria.first_used", "criteria", version, {{"sha256", content_sha256}}});
}

}  // namespace clue_router::service
